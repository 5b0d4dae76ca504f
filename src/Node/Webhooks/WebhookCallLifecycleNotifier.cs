using Orchestrator.Actors.Dialer;
using Orchestrator.Actors.Dialer.Ports;
using Orchestrator.Messages.Agents;
using Orchestrator.Messages.Webhooks;

namespace Orchestrator.Node.Webhooks;

/// <summary>
/// The dialer's lifecycle as webhooks. Cancels and failures for good need nothing here: the call
/// store writes their webhooks in the transaction that records them, so they are only logged (and
/// cancels counted). Before
/// an attempt the agent's start webhook, when it has one, is asked whether to dial and with what.
/// </summary>
public sealed class WebhookCallLifecycleNotifier(IStartWebhookClient startWebhook, ILogger<WebhookCallLifecycleNotifier> logger)
    : ICallLifecycleNotifier
{
    public Task CanceledAsync(string callId, string reason, CancellationToken cancellationToken = default)
    {
        // Every cancel comes here (the dispatcher's and the REST API's), so this is where they are counted.
        DialerMetrics.CallCanceled(reason);
        logger.LogInformation("Call {CallId} canceled ({Reason})", callId, reason);
        return Task.CompletedTask;
    }

    public Task FailedForGoodAsync(string callId, string lastOutcome, CancellationToken cancellationToken = default)
    {
        logger.LogInformation("Call {CallId} failed for good ({Outcome})", callId, lastOutcome);
        return Task.CompletedTask;
    }

    public async Task<BeforeAttemptDecision> BeforeAttemptAsync(Agent agent, DueCall call, int attempt,
        CancellationToken cancellationToken = default)
    {
        if (agent.Config.StartWebhook is not { Url.Length: > 0 } webhook) return BeforeAttemptDecision.Go;
        var target = new WebhookCall(call.CallId, call.AgentId, call.Endpoint, call.AdditionalData, call.CampaignId,
            ConversationId: null, Attempts: call.Attempts);
        var decision = await startWebhook.CallAsync(webhook, target, attempt, agent.AdditionalData, cancellationToken);
        return decision.Proceed
            ? new BeforeAttemptDecision(true, decision.AdditionalData)
            : new BeforeAttemptDecision(false, Reason: decision.CancelReason);
    }
}
