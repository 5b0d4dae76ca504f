namespace Orchestrator.Storage.ApiKeys;

/// <summary>An API key as listed: never the key itself.</summary>
public sealed record ApiKeyInfo(
    string ApiKeyId, string Name, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt);

/// <summary>The answer to creating a key: the only time <paramref name="Key"/> is shown.</summary>
public sealed record IssuedApiKey(
    string ApiKeyId, string Key, string Name, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt);
