using Orchestrator.Actors.Ports;
using Orchestrator.Messages.Telephony;
using Orchestrator.Storage.Agents;
using Orchestrator.Storage.Database;

namespace Orchestrator.Storage.Telephony;

public sealed class SqlSipTrunkStore(SqlDialect dialect, TimeProvider time) : ISipTrunkStore, ISipTrunkDirectory
{
    public async Task<PagedList<SipTrunk>> ListAsync(int skip, int take, CancellationToken cancellationToken = default)
    {
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);

        await using var count = dialect.Command(connection, "SELECT COUNT(*) FROM orch_sip_trunks");
        var total = (int)await count.ScalarLongAsync(cancellationToken);

        await using var select = dialect.Command(connection,
            "SELECT doc FROM orch_sip_trunks ORDER BY created_at, id LIMIT @take OFFSET @skip")
            .With("@take", take).With("@skip", skip);
        var items = new List<SipTrunk>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            items.Add(StoredJson.Deserialize<SipTrunk>(reader.GetString(0)));
        return new PagedList<SipTrunk>(items, total);
    }

    public async Task<SipTrunk?> GetAsync(string trunkId, CancellationToken cancellationToken = default)
    {
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var select = dialect.Command(connection, "SELECT doc FROM orch_sip_trunks WHERE id = @id").With("@id", trunkId);
        return await select.ExecuteScalarAsync(cancellationToken) is string doc ? StoredJson.Deserialize<SipTrunk>(doc) : null;
    }

    public async Task<SipTrunk> CreateAsync(SipTrunk trunk, CancellationToken cancellationToken = default)
    {
        var now = SqlAgentStore.Truncate(time.GetUtcNow());
        var stored = trunk with { Id = Guid.CreateVersion7().ToString(), CreatedTime = now, LastUpdateTime = now };
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var insert = dialect.Command(connection,
            "INSERT INTO orch_sip_trunks (id, name, doc, created_at, updated_at) VALUES (@id, @name, @doc, @created, @updated)")
            .With("@id", stored.Id).With("@name", stored.Name)
            .With("@doc", StoredJson.Serialize(stored)).With("@created", now.ToUnixMs()).With("@updated", now.ToUnixMs());
        try
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception e) when (dialect.IsUniqueViolation(e))
        {
            throw new StorageConflictException($"A SIP trunk named '{stored.Name}' already exists.", e);
        }
        return stored;
    }

    public async Task<SipTrunk?> ReplaceAsync(string trunkId, SipTrunk trunk, CancellationToken cancellationToken = default)
    {
        var existing = await GetAsync(trunkId, cancellationToken);
        if (existing is null) return null;
        var now = SqlAgentStore.Truncate(time.GetUtcNow());
        var stored = trunk with
        {
            Id = trunkId,
            AuthPassword = trunk.AuthPassword ?? existing.AuthPassword,
            CreatedTime = existing.CreatedTime,
            LastUpdateTime = now,
        };
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var update = dialect.Command(connection,
            "UPDATE orch_sip_trunks SET name = @name, doc = @doc, updated_at = @updated WHERE id = @id")
            .With("@id", trunkId).With("@name", stored.Name)
            .With("@doc", StoredJson.Serialize(stored)).With("@updated", now.ToUnixMs());
        try
        {
            return await update.ExecuteNonQueryAsync(cancellationToken) == 1 ? stored : null;
        }
        catch (Exception e) when (dialect.IsUniqueViolation(e))
        {
            throw new StorageConflictException($"A SIP trunk named '{stored.Name}' already exists.", e);
        }
    }

    public async Task<bool> DeleteAsync(string trunkId, CancellationToken cancellationToken = default)
    {
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var delete = dialect.Command(connection, "DELETE FROM orch_sip_trunks WHERE id = @id").With("@id", trunkId);
        return await delete.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    Task<SipTrunk?> ISipTrunkDirectory.FindAsync(string trunkId, CancellationToken cancellationToken) => GetAsync(trunkId, cancellationToken);
}
