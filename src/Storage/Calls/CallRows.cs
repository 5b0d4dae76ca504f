using System.Data.Common;
using System.Text.Json.Nodes;
using Orchestrator.Actors.Dialer.Scheduling;
using Orchestrator.Messages.Calls;
using Orchestrator.Storage.Database;

namespace Orchestrator.Storage.Calls;

/// <summary>The parts of a call that never change after creation, kept as one JSON document.</summary>
internal sealed record CallDoc(JsonObject AdditionalData, JsonObject Retry);

/// <summary>Reading calls from their rows: one column list, one mapping.</summary>
internal static class CallRows
{
    public const string Columns =
        "c.id, c.agent_id, c.campaign_id, c.endpoint, c.status, c.priority, c.created_at, c.deadline_at, c.not_before, " +
        "c.next_at, c.timezone, c.attempts, c.max_attempts, c.last_outcome, c.conversation_id, c.cancel_reason, " +
        "c.started_at, c.completed_at, c.doc";

    public static Call Read(DbDataReader r) => new()
    {
        CallId = r.GetString(0),
        AgentId = r.GetString(1),
        CampaignId = r.IsDBNull(2) ? null : r.GetString(2),
        Endpoint = r.GetString(3),
        Status = r.GetString(4),
        Priority = Convert.ToInt32(r.GetValue(5)),
        CreatedTime = DbExtensions.FromUnixMs(r.GetInt64(6)),
        CallDeadline = DbExtensions.FromUnixMs(r.GetInt64(7)),
        NotBefore = r.FromUnixMsOrNull(8),
        NextScheduleTime = r.FromUnixMsOrNull(9),
        Timezone = r.IsDBNull(10) ? null : r.GetString(10),
        Attempts = Convert.ToInt32(r.GetValue(11)),
        MaxAttempts = Convert.ToInt32(r.GetValue(12)),
        LastOutcome = r.IsDBNull(13) ? null : r.GetString(13),
        ConversationId = r.IsDBNull(14) ? null : r.GetString(14),
        CancelReason = r.IsDBNull(15) ? null : r.GetString(15),
        StartedTime = r.FromUnixMsOrNull(16),
        CompletedTime = r.FromUnixMsOrNull(17),
        AdditionalData = StoredJson.Deserialize<CallDoc>(r.GetString(18)).AdditionalData,
    };

    /// <summary>The call with this id (inside the caller's transaction, if any), or null.</summary>
    public static async Task<Call?> FindAsync(SqlDialect dialect, DbConnection connection, DbTransaction? transaction,
        string callId, CancellationToken ct)
    {
        await using var select = dialect.Command(connection, $"SELECT {Columns} FROM orch_calls c WHERE c.id = @id", transaction)
            .With("@id", callId);
        await using var reader = await select.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    public static RetryPolicy RetryOf(string doc) =>
        RetryPolicy.Parse(StoredJson.Deserialize<CallDoc>(doc).Retry).Policy ?? RetryPolicy.Default;

    /// <summary>The agent's current schedule, read inside the caller's transaction; an unreadable one means any time.</summary>
    public static async Task<CallSchedule> AgentScheduleAsync(SqlDialect dialect, DbConnection connection, DbTransaction? transaction,
        string agentId, CancellationToken ct)
    {
        await using var select = dialect.Command(connection, "SELECT doc FROM orch_agents WHERE id = @id", transaction).With("@id", agentId);
        if (await select.ExecuteScalarAsync(ct) is not string doc) return CallSchedule.Always;
        var agent = StoredJson.Deserialize<Orchestrator.Messages.Agents.Agent>(doc);
        return ScheduleParser.Parse(agent.Schedule).Schedule ?? CallSchedule.Always;
    }
}
