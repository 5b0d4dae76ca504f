namespace Orchestrator.Node.Api.Integrations;

/// <summary>POST /web-integrations/{id}/tokens body.</summary>
public sealed record CreateTokenRequest
{
    public string? Name { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
}
