namespace Orchestrator.Storage.Webhooks;

/// <summary>
/// One webhook delivery in the outbox: what to POST where (the exact body, so a retry sends the
/// same bytes and a receiver can de-duplicate on <see cref="DeliveryId"/>) and how sending went.
/// The secret is kept with the delivery so it still signs after the agent changes; it never leaves
/// the node except as a signature.
/// </summary>
public sealed record WebhookDelivery
{
    public string DeliveryId { get; init; } = "";
    public string? AgentId { get; init; }
    public string Type { get; init; } = "";
    public string Url { get; init; } = "";
    public Dictionary<string, string> Headers { get; init; } = [];
    public string? Secret { get; init; }
    public string Body { get; init; } = "";
    public string Status { get; init; } = WebhookDeliveryStatuses.Pending;
    public int Attempts { get; init; }
    public int? LastStatusCode { get; init; }
    public string? LastError { get; init; }
    /// <summary>When the next attempt is due; null once the delivery is delivered or failed.</summary>
    public DateTimeOffset? NextAttemptTime { get; init; }
    public DateTimeOffset CreatedTime { get; init; }
    public DateTimeOffset UpdatedTime { get; init; }
}

public static class WebhookDeliveryStatuses
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Failed = "failed";
    public static readonly string[] All = [Pending, Delivered, Failed];
}
