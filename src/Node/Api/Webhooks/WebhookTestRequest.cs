using Orchestrator.Messages.Agents;

namespace Orchestrator.Node.Api.Webhooks;

/// <summary>POST /webhooks/test: <c>{webhook{url, headers, secret?}, type}</c>.</summary>
public sealed record WebhookTestRequest
{
    public WebhookConfig? Webhook { get; init; }
    public string? Type { get; init; }
}

/// <summary>What the test send came to.</summary>
public sealed record WebhookTestResponse(bool Success, int? StatusCode, long DurationMs, string? Error);
