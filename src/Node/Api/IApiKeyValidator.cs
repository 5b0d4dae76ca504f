using Orchestrator.Node.Api.Auth;

namespace Orchestrator.Node.Api;

/// <summary>Checks an API key (REST and the WebSocket's server-to-server authentication share it).</summary>
public interface IApiKeyValidator
{
    /// <summary>Who <paramref name="key"/> is, or null when it is not an accepted key (unknown, expired or revoked).</summary>
    Task<ApiKeyPrincipal?> AuthenticateAsync(string? key, CancellationToken cancellationToken);
}
