using System.Data.Common;
using Orchestrator.Storage.Agents;
using Orchestrator.Storage.Database;
using Orchestrator.Storage.Integrations;

namespace Orchestrator.Storage.ApiKeys;

public sealed class SqlApiKeyStore(SqlDialect dialect, TimeProvider time) : IApiKeyStore
{
    /// <summary>Recognisable in logs and leak scanners, like the integration tokens' prefix.</summary>
    public const string Prefix = "oak_";

    /// <summary>lastUsedAt is kept to this resolution, so busy keys do not write on every request.</summary>
    public const long LastUsedResolutionMs = 60_000;

    private const string Columns = "id, name, scopes, created_at, expires_at, last_used_at";

    public async Task<IssuedApiKey> CreateAsync(string name, IReadOnlyList<string> scopes, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default)
    {
        var now = SqlAgentStore.Truncate(time.GetUtcNow());
        var expires = expiresAt is { } e ? SqlAgentStore.Truncate(e) : (DateTimeOffset?)null;
        var issued = new IssuedApiKey(Guid.CreateVersion7().ToString(), IntegrationTokens.NewSecret(Prefix), name, [.. scopes], now, expires);
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var insert = dialect.Command(connection,
            "INSERT INTO orch_api_keys (id, name, key_hash, scopes, created_at, expires_at) VALUES (@id, @name, @hash, @scopes, @created, @expires)")
            .With("@id", issued.ApiKeyId).With("@name", name).With("@hash", IntegrationTokens.Hash(issued.Key))
            .With("@scopes", string.Join(' ', scopes)).With("@created", now.ToUnixMs()).With("@expires", expires.ToUnixMs());
        await insert.ExecuteNonQueryAsync(cancellationToken);
        return issued;
    }

    public async Task<PagedList<ApiKeyInfo>> ListAsync(int skip, int take, CancellationToken cancellationToken = default)
    {
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var count = dialect.Command(connection, "SELECT COUNT(*) FROM orch_api_keys WHERE revoked_at IS NULL");
        var total = (int)await count.ScalarLongAsync(cancellationToken);
        await using var select = dialect.Command(connection,
            $"SELECT {Columns} FROM orch_api_keys WHERE revoked_at IS NULL ORDER BY created_at, id LIMIT @take OFFSET @skip")
            .With("@take", take).With("@skip", skip);
        var items = new List<ApiKeyInfo>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) items.Add(Read(reader));
        return new PagedList<ApiKeyInfo>(items, total);
    }

    public async Task<bool> RevokeAsync(string apiKeyId, CancellationToken cancellationToken = default)
    {
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var update = dialect.Command(connection,
            "UPDATE orch_api_keys SET revoked_at = @now WHERE id = @id AND revoked_at IS NULL")
            .With("@now", time.GetUtcNow().ToUnixMs()).With("@id", apiKeyId);
        return await update.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<ApiKeyInfo?> AuthenticateAsync(string plainKey, CancellationToken cancellationToken = default)
    {
        // Only our own keys can be in the table: anything else is answered without a query.
        if (string.IsNullOrEmpty(plainKey) || !plainKey.StartsWith(Prefix, StringComparison.Ordinal)) return null;
        var now = time.GetUtcNow().ToUnixMs();
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        ApiKeyInfo key;
        await using (var select = dialect.Command(connection,
            $"SELECT {Columns} FROM orch_api_keys WHERE key_hash = @hash AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > @now)")
            .With("@hash", IntegrationTokens.Hash(plainKey)).With("@now", now))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken)) return null;
            key = Read(reader);
        }
        if (key.LastUsedAt is not { } last || now - last.ToUnixMs() >= LastUsedResolutionMs)
        {
            await using var touch = dialect.Command(connection, "UPDATE orch_api_keys SET last_used_at = @now WHERE id = @id")
                .With("@now", now).With("@id", key.ApiKeyId);
            await touch.ExecuteNonQueryAsync(cancellationToken);
            key = key with { LastUsedAt = DbExtensions.FromUnixMs(now) };
        }
        return key;
    }

    private static ApiKeyInfo Read(DbDataReader reader) => new(
        reader.GetString(0), reader.GetString(1),
        reader.GetString(2).Split(' ', StringSplitOptions.RemoveEmptyEntries),
        DbExtensions.FromUnixMs(reader.GetInt64(3)), reader.FromUnixMsOrNull(4), reader.FromUnixMsOrNull(5));
}
