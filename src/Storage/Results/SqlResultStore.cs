using System.Data.Common;
using System.Text;
using System.Text.Json.Nodes;
using Orchestrator.Messages.Results;
using Orchestrator.Storage.Database;
using Orchestrator.Storage.Webhooks;

namespace Orchestrator.Storage.Results;

public sealed class SqlResultStore(SqlDialect dialect, TimeProvider time, WebhookOutboxSignal? webhookSignal = null) : IResultStore
{
    private const string Upsert =
        """
        INSERT INTO orch_conversation_results
            (conversation_id, agent_id, call_type, status, finish_reason, started_at, ended_at, duration_seconds,
             endpoint, campaign_id, transcript_text, doc, saved_at)
        VALUES (@id, @agent, @callType, @status, @finish, @started, @ended, @duration, @endpoint, @campaign, @transcript, @doc, @saved)
        ON CONFLICT (conversation_id) DO UPDATE SET
            agent_id = excluded.agent_id, call_type = excluded.call_type, status = excluded.status,
            finish_reason = excluded.finish_reason, started_at = excluded.started_at, ended_at = excluded.ended_at,
            duration_seconds = excluded.duration_seconds, endpoint = excluded.endpoint, campaign_id = excluded.campaign_id,
            transcript_text = excluded.transcript_text, doc = excluded.doc, saved_at = excluded.saved_at
        """;

    public async Task SaveAsync(ConversationResult result, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(result.ConversationId))
            throw new ArgumentException("A conversation result needs a conversation id.", nameof(result));

        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = dialect.Command(connection, Upsert, transaction)
            .With("@id", result.ConversationId).With("@agent", result.AgentId).With("@callType", result.CallType)
            .With("@status", result.Status).With("@finish", result.FinishReason)
            .With("@started", result.StartedAt.ToUnixMs()).With("@ended", result.EndedAt.ToUnixMs())
            .With("@duration", result.DurationSeconds).With("@endpoint", result.Endpoint)
            .With("@campaign", CampaignIdOf(result)).With("@transcript", SearchableText(result))
            .With("@doc", StoredJson.Serialize(result)).With("@saved", time.GetUtcNow().ToUnixMs()))
            await command.ExecuteNonQueryAsync(cancellationToken);

        // Dialer: a conversation that ran a queued call's attempt records the attempt's outcome on the call
        // in this same transaction (Completed, Failed, Canceled or Queued for a retry). Idempotent, since the
        // conversation retries this save until it succeeds: an attempt already recorded changes nothing.
        var callWebhookWritten = false;
        if (result.CallId is { } callId && result.Attempt is { } attempt)
            callWebhookWritten = (await Calls.CallAttemptEnding.EndAsync(dialect, connection, transaction, callId, attempt, result.FinishReason,
                result, Calls.SqlCallStore.Truncate(time.GetUtcNow()), cancellationToken))?.WebhookWritten ?? false;

        var webhookWritten = await EnqueueResultWebhookAsync(connection, transaction, result, cancellationToken) | callWebhookWritten;
        await transaction.CommitAsync(cancellationToken);
        if (webhookWritten) webhookSignal?.Notify();
    }

    /// <summary>
    /// The result webhook commits with the result, so a stored result always has its delivery; a
    /// retried save finds it written and adds none (rest.md, Webhooks: delivery).
    /// </summary>
    private Task<bool> EnqueueResultWebhookAsync(DbConnection connection, DbTransaction transaction, ConversationResult result,
        CancellationToken cancellationToken) =>
        ResultWebhooks.EnqueueAsync(dialect, connection, transaction, result, time.GetUtcNow(), cancellationToken);

    public async Task<ConversationResult?> GetAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var select = dialect.Command(connection,
                "SELECT doc, status, finish_reason, ended_at FROM orch_conversation_results WHERE conversation_id = @id")
            .With("@id", conversationId);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <summary>
    /// The status columns win over the document: a campaign's cancel updates thousands of queued calls'
    /// rows with one statement that sets only the columns.
    /// </summary>
    private static ConversationResult Read(DbDataReader reader)
    {
        var result = StoredJson.Deserialize<ConversationResult>(reader.GetString(0));
        var endedAt = reader.GetInt64(3);
        return result with
        {
            Status = reader.GetString(1), FinishReason = reader.GetString(2),
            EndedAt = endedAt > 0 ? DbExtensions.FromUnixMs(endedAt) : result.EndedAt,
        };
    }

    public async Task<ResultSearchResponse> SearchAsync(ResultSearchRequest request, CancellationToken cancellationToken = default)
    {
        var page = Math.Max(0, request.Page);
        var size = Math.Clamp(request.Size, 1, ResultSearchFields.MaxPageSize);

        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);

        await using var count = dialect.Command(connection, "");
        var where = BuildWhere(request, count);
        count.CommandText = $"SELECT COUNT(*) FROM orch_conversation_results r{where}";
        var total = (int)await count.ScalarLongAsync(cancellationToken);

        var sortColumn = ResultSearchFields.SortColumns.TryGetValue(request.SortField ?? "startedAt", out var column) ? column : "started_at";
        var direction = string.Equals(request.SortDirection, "asc", StringComparison.OrdinalIgnoreCase) ? "ASC" : "DESC";
        await using var select = dialect.Command(connection, "");
        BuildWhere(request, select);
        select.CommandText =
            $"SELECT r.doc, r.status, r.finish_reason, r.ended_at FROM orch_conversation_results r{where} " +
            $"ORDER BY r.{sortColumn} {direction}, r.conversation_id {direction} LIMIT @take OFFSET @skip";
        select.With("@take", size).With("@skip", (long)page * size);

        var results = new List<ConversationResult>();
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                results.Add(Read(reader));
        }
        var totalPages = (int)((total + (long)size - 1) / size);
        return new ResultSearchResponse(results, total, page, size, totalPages);
    }

    /// <summary>Adds the filters' parameters to <paramref name="command"/> and returns the WHERE clause.</summary>
    private string BuildWhere(ResultSearchRequest request, DbCommand command)
    {
        // A queued call's attempts are stored under their own conversation ids and read by them; the search
        // shows the call once, as the row under its call id (Storage/Calls/CallResultRows).
        var clauses = new List<string> { "NOT EXISTS (SELECT 1 FROM orch_call_attempts a WHERE a.conversation_id = r.conversation_id)" };

        void In(string column, List<string>? values, string prefix)
        {
            var list = values?.Where(v => !string.IsNullOrEmpty(v)).Distinct().ToList();
            if (list is null || list.Count == 0) return;
            var names = list.Select((v, i) => { command.With($"@{prefix}{i}", v); return $"@{prefix}{i}"; });
            clauses.Add($"r.{column} IN ({string.Join(", ", names)})");
        }

        In("agent_id", request.AgentIds, "agent");
        In("status", request.CallStatuses, "status");
        In("call_type", request.CallTypes, "type");
        if (request.FromDate is { } from)
        {
            clauses.Add("r.started_at >= @from");
            command.With("@from", from.ToUnixMs());
        }
        if (request.ToDate is { } to)
        {
            clauses.Add("r.started_at <= @to");
            command.With("@to", to.ToUnixMs());
        }
        if (!string.IsNullOrEmpty(request.SearchText))
        {
            clauses.Add(dialect.Contains("r.transcript_text", "@text"));
            command.With("@text", request.SearchText.ToLowerInvariant());
        }
        if (!string.IsNullOrEmpty(request.CampaignId))
        {
            clauses.Add("r.campaign_id = @campaign");
            command.With("@campaign", request.CampaignId);
        }
        var i = 0;
        foreach (var (key, value) in request.AdditionalDataFilters ?? [])
        {
            var matchesData = dialect.JsonPropertyEquals("r.doc", "additionalData", $"@adk{i}", $"@adv{i}");
            // Batch tools watch a campaign with callAdditionalData.campaignId: the call's own campaign matches too.
            clauses.Add(ResultSearchFields.AdditionalDataKey(key).Equals(ResultSearchFields.CampaignIdKey, StringComparison.OrdinalIgnoreCase)
                ? $"(r.campaign_id = @adv{i} OR {matchesData})"
                : matchesData);
            command.With($"@adk{i}", ResultSearchFields.AdditionalDataKey(key)).With($"@adv{i}", value);
            i++;
        }
        return " WHERE " + string.Join(" AND ", clauses);
    }

    private static string? CampaignIdOf(ConversationResult result) =>
        result.CampaignId ?? (result.AdditionalData is not null && result.AdditionalData.TryGetPropertyValue(ResultSearchFields.CampaignIdKey, out var node)
        && node is JsonValue value && value.TryGetValue<string>(out var id) ? id : null);

    /// <summary>Lower-cased once here so a case-insensitive search is a plain substring test in either database.</summary>
    internal static string SearchableText(ConversationResult result)
    {
        var text = new StringBuilder();
        foreach (var entry in result.Transcription ?? [])
            text.Append(entry.Text).Append('\n');
        return text.ToString().ToLowerInvariant();
    }
}
