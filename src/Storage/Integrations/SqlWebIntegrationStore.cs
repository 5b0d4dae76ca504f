using System.Data.Common;
using Orchestrator.Messages.Integrations;
using Orchestrator.Storage.Agents;
using Orchestrator.Storage.Database;

namespace Orchestrator.Storage.Integrations;

public sealed class SqlWebIntegrationStore(SqlDialect dialect, TimeProvider time) : IWebIntegrationStore
{
    private const string TokenColumns = "id, name, created_at, expires_at, last_used_at";

    public async Task<PagedList<WebIntegration>> ListAsync(int skip, int take, CancellationToken cancellationToken = default)
    {
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);

        await using var count = dialect.Command(connection, "SELECT COUNT(*) FROM orch_web_integrations");
        var total = (int)await count.ScalarLongAsync(cancellationToken);

        var items = new List<WebIntegration>();
        await using (var select = dialect.Command(connection,
            "SELECT doc FROM orch_web_integrations ORDER BY created_at, id LIMIT @take OFFSET @skip")
            .With("@take", take).With("@skip", skip))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                items.Add(StoredJson.Deserialize<WebIntegration>(reader.GetString(0)));
        }
        for (var i = 0; i < items.Count; i++)
            items[i] = items[i] with { Tokens = await ReadTokensAsync(connection, items[i].Id, cancellationToken) };
        return new PagedList<WebIntegration>(items, total);
    }

    public async Task<WebIntegration?> GetAsync(string integrationId, CancellationToken cancellationToken = default)
    {
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        return await ReadIntegrationAsync(connection, integrationId, cancellationToken);
    }

    public async Task<WebIntegration> CreateAsync(WebIntegration integration, CancellationToken cancellationToken = default)
    {
        var now = SqlAgentStore.Truncate(time.GetUtcNow());
        var stored = integration with
        {
            Id = string.IsNullOrEmpty(integration.Id) ? Guid.CreateVersion7().ToString() : integration.Id,
            Tokens = [],
            CreatedTime = now,
            LastUpdateTime = now,
        };
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var insert = dialect.Command(connection,
            "INSERT INTO orch_web_integrations (id, name, agent_id, enabled, doc, created_at, updated_at) " +
            "VALUES (@id, @name, @agent, @enabled, @doc, @created, @updated)")
            .With("@id", stored.Id).With("@name", stored.Name).With("@agent", stored.AgentId).With("@enabled", stored.Enabled)
            .With("@doc", StoredJson.Serialize(stored)).With("@created", now.ToUnixMs()).With("@updated", now.ToUnixMs());
        try
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception e) when (dialect.IsUniqueViolation(e))
        {
            throw new StorageConflictException($"A web integration with id '{stored.Id}' already exists.", e);
        }
        return stored;
    }

    public async Task<WebIntegration?> ReplaceAsync(string integrationId, WebIntegration integration, CancellationToken cancellationToken = default)
    {
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        var existing = await ReadIntegrationAsync(connection, integrationId, cancellationToken);
        if (existing is null) return null;

        var now = SqlAgentStore.Truncate(time.GetUtcNow());
        var stored = integration with { Id = integrationId, CreatedTime = existing.CreatedTime, LastUpdateTime = now, Tokens = [] };
        await using var update = dialect.Command(connection,
            "UPDATE orch_web_integrations SET name = @name, agent_id = @agent, enabled = @enabled, doc = @doc, updated_at = @updated WHERE id = @id")
            .With("@id", integrationId).With("@name", stored.Name).With("@agent", stored.AgentId).With("@enabled", stored.Enabled)
            .With("@doc", StoredJson.Serialize(stored)).With("@updated", now.ToUnixMs());
        if (await update.ExecuteNonQueryAsync(cancellationToken) != 1) return null;
        return stored with { Tokens = existing.Tokens };
    }

    public async Task<bool> DeleteAsync(string integrationId, CancellationToken cancellationToken = default)
    {
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var tokens = dialect.Command(connection, "DELETE FROM orch_integration_tokens WHERE integration_id = @id", transaction).With("@id", integrationId))
            await tokens.ExecuteNonQueryAsync(cancellationToken);
        await using var delete = dialect.Command(connection, "DELETE FROM orch_web_integrations WHERE id = @id", transaction).With("@id", integrationId);
        var deleted = await delete.ExecuteNonQueryAsync(cancellationToken) == 1;
        await transaction.CommitAsync(cancellationToken);
        return deleted;
    }

    public async Task<IssuedToken?> CreateTokenAsync(string integrationId, string name, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default)
    {
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        if (!await ExistsAsync(connection, integrationId, cancellationToken)) return null;

        var now = SqlAgentStore.Truncate(time.GetUtcNow());
        var expires = expiresAt is { } e ? SqlAgentStore.Truncate(e) : (DateTimeOffset?)null;
        var issued = new IssuedToken(Guid.CreateVersion7().ToString(), IntegrationTokens.NewToken(), name, now, expires);
        await using var insert = dialect.Command(connection,
            "INSERT INTO orch_integration_tokens (id, integration_id, name, token_hash, created_at, expires_at) " +
            "VALUES (@id, @integration, @name, @hash, @created, @expires)")
            .With("@id", issued.TokenId).With("@integration", integrationId).With("@name", name)
            .With("@hash", IntegrationTokens.Hash(issued.Token)).With("@created", now.ToUnixMs()).With("@expires", expires.ToUnixMs());
        try
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception ex) when (dialect.IsUniqueViolation(ex))
        {
            throw new StorageConflictException($"The web integration already has a token named '{name}'.", ex);
        }
        return issued;
    }

    public async Task<bool> RevokeTokenAsync(string integrationId, string tokenId, CancellationToken cancellationToken = default)
    {
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var update = dialect.Command(connection,
            "UPDATE orch_integration_tokens SET revoked_at = @now WHERE id = @id AND integration_id = @integration AND revoked_at IS NULL")
            .With("@now", time.GetUtcNow().ToUnixMs()).With("@id", tokenId).With("@integration", integrationId);
        return await update.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<IReadOnlyList<IntegrationTokenInfo>> ListTokensAsync(string integrationId, CancellationToken cancellationToken = default)
    {
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        return await ReadTokensAsync(connection, integrationId, cancellationToken);
    }

    /// <summary>lastUsedAt is kept to this resolution (one minute).</summary>
    public const long LastUsedResolutionMs = 60_000;

    public async Task<(WebIntegration Integration, string TokenId)?> AuthenticateTokenAsync(string plainToken, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(plainToken)) return null;
        var now = time.GetUtcNow().ToUnixMs();

        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        string tokenId, integrationId;
        long? lastUsed;
        await using (var select = dialect.Command(connection,
            "SELECT id, integration_id, last_used_at FROM orch_integration_tokens " +
            "WHERE token_hash = @hash AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > @now)")
            .With("@hash", IntegrationTokens.Hash(plainToken)).With("@now", now))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken)) return null;
            tokenId = reader.GetString(0);
            integrationId = reader.GetString(1);
            lastUsed = reader.IsDBNull(2) ? null : reader.GetInt64(2);
        }

        // Every socket connect passes here: write the last use at most once a minute per token,
        // so connects do not queue behind each other on the database's write lock.
        if (lastUsed is null || now - lastUsed.Value >= LastUsedResolutionMs)
        {
            await using var touch = dialect.Command(connection, "UPDATE orch_integration_tokens SET last_used_at = @now WHERE id = @id")
                .With("@now", now).With("@id", tokenId);
            await touch.ExecuteNonQueryAsync(cancellationToken);
        }

        var integration = await ReadIntegrationAsync(connection, integrationId, cancellationToken);
        return integration is null ? null : (integration, tokenId);
    }

    private async Task<WebIntegration?> ReadIntegrationAsync(DbConnection connection, string integrationId, CancellationToken cancellationToken)
    {
        await using var select = dialect.Command(connection, "SELECT doc FROM orch_web_integrations WHERE id = @id").With("@id", integrationId);
        if (await select.ExecuteScalarAsync(cancellationToken) is not string doc) return null;
        var integration = StoredJson.Deserialize<WebIntegration>(doc);
        return integration with { Tokens = await ReadTokensAsync(connection, integrationId, cancellationToken) };
    }

    private async Task<bool> ExistsAsync(DbConnection connection, string integrationId, CancellationToken cancellationToken)
    {
        await using var select = dialect.Command(connection, "SELECT COUNT(*) FROM orch_web_integrations WHERE id = @id").With("@id", integrationId);
        return await select.ScalarLongAsync(cancellationToken) > 0;
    }

    private async Task<List<IntegrationTokenInfo>> ReadTokensAsync(DbConnection connection, string integrationId, CancellationToken cancellationToken)
    {
        await using var select = dialect.Command(connection,
            $"SELECT {TokenColumns} FROM orch_integration_tokens WHERE integration_id = @id AND revoked_at IS NULL ORDER BY created_at, id")
            .With("@id", integrationId);
        var tokens = new List<IntegrationTokenInfo>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            tokens.Add(new IntegrationTokenInfo(
                reader.GetString(0), reader.GetString(1), DbExtensions.FromUnixMs(reader.GetInt64(2)),
                reader.FromUnixMsOrNull(3), reader.FromUnixMsOrNull(4)));
        return tokens;
    }
}
