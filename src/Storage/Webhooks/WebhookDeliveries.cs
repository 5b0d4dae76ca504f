using Orchestrator.Messages.Agents;
using Orchestrator.Messages.Webhooks;

namespace Orchestrator.Storage.Webhooks;

public static class WebhookDeliveries
{
    /// <summary>A new delivery of <paramref name="payload"/> to <paramref name="webhook"/>, due at once.</summary>
    public static WebhookDelivery Pending(WebhookPayload payload, string? agentId, WebhookConfig webhook, DateTimeOffset now) => new()
    {
        DeliveryId = payload.DeliveryId,
        AgentId = agentId,
        Type = payload.Type,
        Url = webhook.Url,
        Headers = new Dictionary<string, string>(webhook.Headers ?? []),
        Secret = string.IsNullOrEmpty(webhook.Secret) ? null : webhook.Secret,
        Body = WebhookPayloadJson.Serialize(payload),
        Status = WebhookDeliveryStatuses.Pending,
        NextAttemptTime = now,
        CreatedTime = now,
        UpdatedTime = now,
    };
}
