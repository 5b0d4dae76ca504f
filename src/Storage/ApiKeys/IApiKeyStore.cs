namespace Orchestrator.Storage.ApiKeys;

/// <summary>API keys created over REST (keys from configuration never reach the database).</summary>
public interface IApiKeyStore
{
    /// <summary>Issues a key (shown once; only its SHA-256 hash is stored).</summary>
    Task<IssuedApiKey> CreateAsync(string name, IReadOnlyList<string> scopes, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default);

    /// <summary>Active (not revoked) keys, oldest first, expired ones included so operators see them.</summary>
    Task<PagedList<ApiKeyInfo>> ListAsync(int skip, int take, CancellationToken cancellationToken = default);

    /// <summary>False when no active key has that id.</summary>
    Task<bool> RevokeAsync(string apiKeyId, CancellationToken cancellationToken = default);

    /// <summary>The key a plain secret belongs to; null when unknown, expired or revoked. Records the use (lastUsedAt).</summary>
    Task<ApiKeyInfo?> AuthenticateAsync(string plainKey, CancellationToken cancellationToken = default);
}
