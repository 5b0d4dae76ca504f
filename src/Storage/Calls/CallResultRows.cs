using System.Data.Common;
using Orchestrator.Messages.Calls;
using Orchestrator.Messages.Results;
using Orchestrator.Storage.Database;
using Orchestrator.Storage.Results;

namespace Orchestrator.Storage.Calls;

/// <summary>
/// Every queued call is one row of the results search from its creation (rest.md, Results): a row
/// keyed by the call id in the results table, rewritten in the same transaction as each change of
/// the call, and filled with the last attempt's result when the call ends. Attempt results are
/// stored under their own conversation ids and left out of the search (they are in orch_call_attempts).
/// </summary>
internal static class CallResultRows
{
    private const string Upsert =
        """
        INSERT INTO orch_conversation_results
            (conversation_id, agent_id, call_type, status, finish_reason, started_at, ended_at, duration_seconds,
             endpoint, campaign_id, transcript_text, doc, saved_at)
        VALUES (@id, @agent, @callType, @status, @finish, @started, @ended, @duration, @endpoint, @campaign, @transcript, @doc, @saved)
        ON CONFLICT (conversation_id) DO UPDATE SET
            status = excluded.status, finish_reason = excluded.finish_reason, ended_at = excluded.ended_at,
            duration_seconds = excluded.duration_seconds, transcript_text = excluded.transcript_text,
            doc = excluded.doc, saved_at = excluded.saved_at
        """;

    /// <summary>
    /// Writes the call's row. <paramref name="lastResult"/> is the result of the attempt that just ended, if any;
    /// a finished call keeps its transcript from it. Unfinished rows have ended_at 0, so they sort last when descending.
    /// </summary>
    public static async Task WriteAsync(SqlDialect dialect, DbConnection connection, DbTransaction transaction,
        Call call, ConversationResult? lastResult, DateTimeOffset now, CancellationToken ct)
    {
        var finished = CallStatuses.IsFinal(call.Status);
        var row = (lastResult ?? new ConversationResult()) with
        {
            ConversationId = call.ConversationId ?? "",
            AgentId = call.AgentId,
            CallType = CallTypes.OnPhone,
            Status = call.Status,
            FinishReason = lastResult?.FinishReason ?? call.LastOutcome ?? (call.Status == CallStatuses.Canceled ? "canceled" : ""),
            StartedAt = call.CreatedTime,
            EndedAt = finished ? call.CompletedTime ?? now : default,
            Endpoint = call.Endpoint,
            AdditionalData = call.AdditionalData,
            CallId = call.CallId,
            CampaignId = call.CampaignId,
            Attempt = call.Attempts,
        };
        await using var upsert = dialect.Command(connection, Upsert, transaction)
            .With("@id", call.CallId).With("@agent", call.AgentId).With("@callType", CallTypes.OnPhone)
            .With("@status", call.Status).With("@finish", row.FinishReason)
            .With("@started", call.CreatedTime.ToUnixMs()).With("@ended", finished ? row.EndedAt.ToUnixMs() : 0L)
            .With("@duration", row.DurationSeconds).With("@endpoint", call.Endpoint).With("@campaign", call.CampaignId)
            .With("@transcript", SqlResultStore.SearchableText(row)).With("@doc", StoredJson.Serialize(row))
            .With("@saved", now.ToUnixMs());
        await upsert.ExecuteNonQueryAsync(ct);
    }
}
