using Orchestrator.Actors.Dialer.Gate;
using Orchestrator.Messages.Calls;
using Orchestrator.Messages.Protocol;

namespace Orchestrator.Node.WebSockets;

/// <summary>
/// A web integration's <c>maxConcurrentConversations</c> and <c>maxConversationsPerMinute</c>, counted
/// cluster-wide by the dial gate: a token socket takes a lease before its actor exists, so a refused
/// one creates nothing, and the lease goes when the socket ends or its node dies. API-key sockets are
/// not capped here (their key's scope and rate bound them). When the gate cannot answer, the socket
/// is admitted uncapped (with a warning) rather than refused.
/// </summary>
public sealed class IntegrationCaps(IDialGate gate, ILogger<IntegrationCaps> log)
{
    public abstract record Outcome
    {
        public sealed record Granted(IDisposable Lease) : Outcome;
        public sealed record Refused(string Error) : Outcome;
    }

    private sealed class NoLease : IDisposable
    {
        public static readonly NoLease Instance = new();
        public void Dispose() { }
    }

    public async Task<Outcome> AcquireAsync(SessionContext session, CancellationToken cancellationToken)
    {
        if (session.Integration is not { } integration) return new Outcome.Granted(NoLease.Instance);
        var pool = DialPool.Integration(integration.Id, integration.MaxConcurrentConversations, integration.MaxConversationsPerMinute);
        try
        {
            return new Outcome.Granted(await gate.AcquireAsync("socket-" + Guid.NewGuid().ToString("N"), [pool], cancellationToken));
        }
        catch (DialRefusedException refused) when (refused.Message.EndsWith($"{DialGateBook.MaxConversationsPerMinute} ({integration.MaxConversationsPerMinute})", StringComparison.Ordinal))
        {
            return new Outcome.Refused(ProtocolErrors.RateLimitExceeded);
        }
        catch (DialRefusedException refused) when (refused.Message.EndsWith($"{DialGateBook.MaxConcurrentConversations} ({integration.MaxConcurrentConversations})", StringComparison.Ordinal))
        {
            return new Outcome.Refused(ProtocolErrors.TooManyConversations);
        }
        catch (DialRefusedException unavailable)
        {
            // The gate did not answer (a singleton hand-over, a node still joining): the caps are an
            // abuse bound, not a reason to refuse every chat while the gate moves, so admit and say so.
            log.LogWarning("Admitting a conversation of web integration {IntegrationId} without its caps: {Reason}", integration.Id, unavailable.Message);
            return new Outcome.Granted(NoLease.Instance);
        }
    }
}
