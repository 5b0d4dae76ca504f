using Orchestrator.Actors.Dialer.Ports;

namespace Orchestrator.Actors.Dialer;

/// <summary>What the dispatcher decided before an attempt: go on (with extra additionalData), or stop the call.</summary>
public sealed record BeforeAttemptDecision(bool Proceed, System.Text.Json.Nodes.JsonObject? AdditionalData = null, string? Reason = null)
{
    public static readonly BeforeAttemptDecision Go = new(true);
}

/// <summary>
/// The dialer's points where webhooks fire (rest.md, Webhooks): the seam the webhook sender plugs
/// into. Calls that end with a conversation result are reported by the result store's save (its
/// outbox insert); these are the ends and starts that have no result.
/// </summary>
public interface ICallLifecycleNotifier
{
    /// <summary>A call was canceled without (another) attempt: its deadline passed, it was deleted, or its campaign was canceled.</summary>
    Task CanceledAsync(string callId, string reason, CancellationToken cancellationToken = default);

    /// <summary>A call failed for good without a result of its last attempt (that attempt's conversation never started).</summary>
    Task FailedForGoodAsync(string callId, string lastOutcome, CancellationToken cancellationToken = default);

    /// <summary>
    /// Just before attempt <paramref name="attempt"/> is claimed and dialled, the call still Queued (the
    /// agent's start webhook); may enrich or stop it.
    /// </summary>
    Task<BeforeAttemptDecision> BeforeAttemptAsync(Orchestrator.Messages.Agents.Agent agent, DueCall call, int attempt,
        CancellationToken cancellationToken = default);
}
