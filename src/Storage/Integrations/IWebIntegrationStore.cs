using Orchestrator.Messages.Integrations;

namespace Orchestrator.Storage.Integrations;

public interface IWebIntegrationStore
{
    /// <summary>Integrations oldest first, each with its active tokens.</summary>
    Task<PagedList<WebIntegration>> ListAsync(int skip, int take, CancellationToken cancellationToken = default);

    /// <summary>The integration with its active (not revoked) tokens, or null.</summary>
    Task<WebIntegration?> GetAsync(string integrationId, CancellationToken cancellationToken = default);

    /// <summary>An empty <see cref="WebIntegration.Id"/> gets a new id; timestamps are set; <see cref="WebIntegration.Tokens"/> is ignored.</summary>
    Task<WebIntegration> CreateAsync(WebIntegration integration, CancellationToken cancellationToken = default);

    /// <summary>Replaces the integration, keeping its id, creation time and tokens. Null when it does not exist.</summary>
    Task<WebIntegration?> ReplaceAsync(string integrationId, WebIntegration integration, CancellationToken cancellationToken = default);

    /// <summary>Deletes the integration and all its tokens.</summary>
    Task<bool> DeleteAsync(string integrationId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Issues a token (shown once; only its SHA-256 hash is stored). Null when the integration does not exist.
    /// Throws <see cref="StorageConflictException"/> when an active token of the integration has that name.
    /// </summary>
    Task<IssuedToken?> CreateTokenAsync(string integrationId, string name, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default);

    /// <summary>False when no active token of that id belongs to the integration.</summary>
    Task<bool> RevokeTokenAsync(string integrationId, string tokenId, CancellationToken cancellationToken = default);

    /// <summary>The integration's active tokens, oldest first (never the token itself).</summary>
    Task<IReadOnlyList<IntegrationTokenInfo>> ListTokensAsync(string integrationId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The integration a plain token belongs to, and the token's id; null for an unknown, expired or
    /// revoked token. Records the use (lastUsedAt).
    /// </summary>
    Task<(WebIntegration Integration, string TokenId)?> AuthenticateTokenAsync(string plainToken, CancellationToken cancellationToken = default);
}
