using System.Text.Json.Nodes;
using Orchestrator.Messages.Agents;
using Orchestrator.Messages.Webhooks;

namespace Orchestrator.Node.Webhooks;

/// <summary>
/// Calls a start webhook synchronously (5 s) before a dial attempt. It is not an outbox delivery:
/// its answer is needed now, and a failure is decided by <c>failClosed</c> rather than retried.
/// </summary>
public sealed class StartWebhookClient(WebhookPoster poster, TimeProvider time, ILogger<StartWebhookClient> log) : IStartWebhookClient
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public async Task<StartWebhookDecision> CallAsync(
        StartWebhookConfig webhook, WebhookCall call, int attempt, JsonObject? agentAdditionalData,
        CancellationToken cancellationToken = default)
    {
        var deliveryId = WebhookDeliveryIds.New();
        var payload = WebhookPayloadFactory.Start(call, attempt, agentAdditionalData, deliveryId, time.GetUtcNow());
        var response = await poster.PostAsync(webhook.Url, webhook.Headers, webhook.Secret, WebhookPayloadJson.Serialize(payload),
            deliveryId, Timeout, readBody: true, cancellationToken);
        var decision = StartWebhookReply.Decide(webhook, call.AdditionalData, response);
        if (decision.Failure is not null)
            log.LogWarning("Start webhook of call {CallId} (attempt {Attempt}): {Failure}; the call {Outcome}",
                call.CallId, attempt, decision.Failure, decision.Proceed ? "is dialled" : "is canceled");
        return decision;
    }
}
