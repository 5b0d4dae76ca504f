using Orchestrator.Storage.ApiKeys;

namespace Orchestrator.Node.Api.Auth;

/// <summary>Keys from configuration are <c>admin</c>; any other is looked up among the stored keys.</summary>
internal sealed class ApiKeyAuthenticator(ApiKeyValidator configured, IApiKeyStore store) : IApiKeyValidator
{
    private static readonly ApiKeyPrincipal Configured = new("configuration", [ApiKeyScopes.Admin]);

    public async Task<ApiKeyPrincipal?> AuthenticateAsync(string? key, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(key)) return null;
        if (configured.IsValid(key)) return Configured;
        return await store.AuthenticateAsync(key, cancellationToken) is { } stored
            ? new ApiKeyPrincipal(stored.ApiKeyId, stored.Scopes)
            : null;
    }
}
