using Orchestrator.Actors.Dialer;
using Orchestrator.Actors.Dialer.Ports;

namespace Orchestrator.Node.Api.Calls;

/// <summary>Until webhooks are wired in: the lifecycle is logged and every attempt goes ahead.</summary>
public sealed class LoggingCallLifecycleNotifier(ILogger<LoggingCallLifecycleNotifier> logger) : ICallLifecycleNotifier
{
    public Task CanceledAsync(string callId, string reason, CancellationToken cancellationToken = default)
    {
        logger.LogInformation("Call {CallId} canceled ({Reason})", callId, reason);
        return Task.CompletedTask;
    }

    public Task FailedForGoodAsync(string callId, string lastOutcome, CancellationToken cancellationToken = default)
    {
        logger.LogInformation("Call {CallId} failed for good ({Outcome})", callId, lastOutcome);
        return Task.CompletedTask;
    }

    public Task<BeforeAttemptDecision> BeforeAttemptAsync(DueCall call, int attempt, CancellationToken cancellationToken = default) =>
        Task.FromResult(BeforeAttemptDecision.Go);
}
