using Orchestrator.Messages.Agents;
using Orchestrator.Messages.Webhooks;
using Orchestrator.Storage.Database;

namespace Orchestrator.Storage.Agents;

public sealed class SqlAgentStore(SqlDialect dialect, TimeProvider time) : IAgentStore
{
    public async Task<PagedList<Agent>> ListAsync(int skip, int take, CancellationToken cancellationToken = default)
    {
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);

        await using var count = dialect.Command(connection, "SELECT COUNT(*) FROM orch_agents");
        var total = (int)await count.ScalarLongAsync(cancellationToken);

        await using var select = dialect.Command(connection,
            "SELECT doc FROM orch_agents ORDER BY created_at, id LIMIT @take OFFSET @skip")
            .With("@take", take).With("@skip", skip);
        var items = new List<Agent>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            items.Add(StoredJson.Deserialize<Agent>(reader.GetString(0)));
        return new PagedList<Agent>(items, total);
    }

    public async Task<Agent?> GetAsync(string agentId, CancellationToken cancellationToken = default)
    {
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var select = dialect.Command(connection, "SELECT doc FROM orch_agents WHERE id = @id").With("@id", agentId);
        return await select.ExecuteScalarAsync(cancellationToken) is string doc ? StoredJson.Deserialize<Agent>(doc) : null;
    }

    public async Task<Agent> CreateAsync(Agent agent, CancellationToken cancellationToken = default)
    {
        var now = Truncate(time.GetUtcNow());
        var stored = agent with
        {
            AgentId = string.IsNullOrEmpty(agent.AgentId) ? Guid.CreateVersion7().ToString() : agent.AgentId,
            CreatedTime = now,
            LastUpdateTime = now,
        };
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var insert = dialect.Command(connection,
            "INSERT INTO orch_agents (id, name, enabled, doc, created_at, updated_at) VALUES (@id, @name, @enabled, @doc, @created, @updated)")
            .With("@id", stored.AgentId).With("@name", stored.Name).With("@enabled", stored.IsEnabled)
            .With("@doc", StoredJson.Serialize(stored)).With("@created", now.ToUnixMs()).With("@updated", now.ToUnixMs());
        try
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception e) when (dialect.IsUniqueViolation(e))
        {
            throw new StorageConflictException($"An agent with id '{stored.AgentId}' already exists.", e);
        }
        return stored;
    }

    public async Task<Agent?> ReplaceAsync(string agentId, Agent agent, CancellationToken cancellationToken = default)
    {
        var existing = await GetAsync(agentId, cancellationToken);
        if (existing is null) return null;
        var now = Truncate(time.GetUtcNow());
        // Write-only webhook secrets: a PUT that leaves one out keeps the stored one.
        var stored = WebhookSecrets.KeepOmitted(agent, existing) with { AgentId = agentId, CreatedTime = existing.CreatedTime, LastUpdateTime = now };

        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var update = dialect.Command(connection,
            "UPDATE orch_agents SET name = @name, enabled = @enabled, doc = @doc, updated_at = @updated WHERE id = @id")
            .With("@id", agentId).With("@name", stored.Name).With("@enabled", stored.IsEnabled)
            .With("@doc", StoredJson.Serialize(stored)).With("@updated", now.ToUnixMs());
        return await update.ExecuteNonQueryAsync(cancellationToken) == 1 ? stored : null;
    }

    public async Task<bool> DeleteAsync(string agentId, CancellationToken cancellationToken = default)
    {
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var delete = dialect.Command(connection, "DELETE FROM orch_agents WHERE id = @id").With("@id", agentId);
        return await delete.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Millisecond precision: what the indexed columns hold, so documents and columns agree.</summary>
    internal static DateTimeOffset Truncate(DateTimeOffset value) => DbExtensions.FromUnixMs(value.ToUnixMs());
}
