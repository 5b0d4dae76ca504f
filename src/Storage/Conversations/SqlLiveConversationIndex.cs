using Orchestrator.Actors.Ports;
using Orchestrator.Storage.Database;

namespace Orchestrator.Storage.Conversations;

public sealed class SqlLiveConversationIndex(SqlDialect dialect) : ILiveConversationIndex
{
    public async Task MarkLiveAsync(string conversationId, DateTimeOffset startedAt, CancellationToken cancellationToken = default)
    {
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var insert = dialect.Command(connection,
                "INSERT INTO orch_live_conversations (conversation_id, started_at) VALUES (@id, @started) ON CONFLICT (conversation_id) DO NOTHING")
            .With("@id", conversationId).With("@started", startedAt.ToUnixMs());
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task MarkFinishedAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var delete = dialect.Command(connection, "DELETE FROM orch_live_conversations WHERE conversation_id = @id")
            .With("@id", conversationId);
        await delete.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<string>> ListLiveAsync(string? afterId, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var select = dialect.Command(connection,
                "SELECT conversation_id FROM orch_live_conversations WHERE conversation_id > @after ORDER BY conversation_id LIMIT @limit")
            .With("@after", afterId ?? "").With("@limit", limit);
        var ids = new List<string>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) ids.Add(reader.GetString(0));
        return ids;
    }
}
