namespace Orchestrator.Node.Api.Auth;

/// <summary>POST /api-keys body.</summary>
public sealed record CreateApiKeyRequest
{
    public string? Name { get; init; }
    public List<string>? Scopes { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
}
