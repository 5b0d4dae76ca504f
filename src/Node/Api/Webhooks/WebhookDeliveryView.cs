using Orchestrator.Storage.Webhooks;

namespace Orchestrator.Node.Api.Webhooks;

/// <summary>A delivery as GET /webhooks/deliveries shows it: no body, headers or secret.</summary>
public sealed record WebhookDeliveryView(
    string DeliveryId, string? AgentId, string Type, string Url, string Status, int Attempts, int? LastStatusCode,
    string? LastError, DateTimeOffset? NextAttemptTime, DateTimeOffset CreatedTime)
{
    public static WebhookDeliveryView Of(WebhookDelivery d) => new(
        d.DeliveryId, d.AgentId, d.Type, d.Url, d.Status, d.Attempts, d.LastStatusCode, d.LastError, d.NextAttemptTime, d.CreatedTime);
}
