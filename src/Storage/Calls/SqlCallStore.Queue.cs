using Orchestrator.Actors.Dialer.Ports;
using Orchestrator.Messages.Calls;
using Orchestrator.Messages.Webhooks;
using Orchestrator.Storage.Database;
using Orchestrator.Storage.Webhooks;

namespace Orchestrator.Storage.Calls;

public sealed partial class SqlCallStore
{
    public async Task<IReadOnlyList<DueCall>> PickDueAsync(DateTimeOffset now, int limit, DueCallFilter? skip = null,
        CancellationToken cancellationToken = default)
    {
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        // Walks ix_orch_calls_queue from its head: the first `limit` queued calls in start order that are due.
        // Skipped agents and campaigns are passed over on that walk (their rows are still read from the index).
        await using var select = dialect.Command(connection, "");
        var skips = "";
        var i = 0;
        skip ??= DueCallFilter.None;
        foreach (var agentId in skip.SkipAgents)
        {
            skips += $" AND c.agent_id <> @sa{i}";
            select.With($"@sa{i++}", agentId);
        }
        foreach (var campaignId in skip.SkipCampaigns)
        {
            skips += $" AND (c.campaign_id IS NULL OR c.campaign_id <> @sc{i})";
            select.With($"@sc{i++}", campaignId);
        }
        select.CommandText =
            $"""
             SELECT c.id, c.agent_id, c.campaign_id, c.endpoint, c.priority, c.created_at, c.deadline_at, c.not_before,
                    c.timezone, c.attempts, c.doc
             FROM orch_calls c
             WHERE c.status = 'Queued' AND c.next_at <= @now{skips}
             ORDER BY c.priority DESC, c.created_at, c.id
             LIMIT @limit
             """;
        select.With("@now", now.ToUnixMs()).With("@limit", limit);
        var due = new List<DueCall>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            due.Add(new DueCall(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetString(3), Convert.ToInt32(reader.GetValue(4)), DbExtensions.FromUnixMs(reader.GetInt64(5)),
                DbExtensions.FromUnixMs(reader.GetInt64(6)), reader.FromUnixMsOrNull(7), reader.IsDBNull(8) ? null : reader.GetString(8),
                Convert.ToInt32(reader.GetValue(9)), StoredJson.Deserialize<CallDoc>(reader.GetString(10)).AdditionalData));
        return due;
    }

    public async Task<bool> ClaimAsync(string callId, int attemptsSoFar, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        now = Truncate(now);
        var attempt = attemptsSoFar + 1;
        var conversationId = AttemptConversationIds.For(callId, attempt);
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var update = dialect.Command(connection,
                         """
                         UPDATE orch_calls SET status = 'Running', attempts = @attempt, conversation_id = @conversation,
                             claimed_at = @now, started_at = COALESCE(started_at, @now), next_at = NULL
                         WHERE id = @id AND status = 'Queued' AND attempts = @attemptsSoFar
                         """, transaction)
                         .With("@id", callId).With("@attempt", attempt).With("@attemptsSoFar", attemptsSoFar)
                         .With("@conversation", conversationId).With("@now", now.ToUnixMs()))
        {
            if (await update.ExecuteNonQueryAsync(cancellationToken) != 1) return false;
        }
        await using (var insert = dialect.Command(connection,
                         "INSERT INTO orch_call_attempts (call_id, attempt, conversation_id, started_at) VALUES (@id, @attempt, @conversation, @now)",
                         transaction)
                         .With("@id", callId).With("@attempt", attempt).With("@conversation", conversationId).With("@now", now.ToUnixMs()))
            await insert.ExecuteNonQueryAsync(cancellationToken);
        await WriteRowAsync(connection, transaction, callId, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task RescheduleAsync(string callId, DateTimeOffset nextScheduleTime, CancellationToken cancellationToken = default)
    {
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var update = dialect.Command(connection, "UPDATE orch_calls SET next_at = @next WHERE id = @id AND status = 'Queued'")
            .With("@id", callId).With("@next", nextScheduleTime.ToUnixMs());
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<string>> CancelExpiredAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        var ids = new List<string>();
        await using (var connection = dialect.CreateConnection())
        {
            await connection.OpenAsync(cancellationToken);
            await using var select = dialect.Command(connection,
                    "SELECT id FROM orch_calls WHERE status = 'Queued' AND deadline_at <= @now ORDER BY deadline_at LIMIT @limit")
                .With("@now", now.ToUnixMs()).With("@limit", limit);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) ids.Add(reader.GetString(0));
        }
        var canceled = new List<string>();
        foreach (var id in ids)
            if (await CancelQueuedAsync(id, CancelReasons.Deadline, cancellationToken)) canceled.Add(id);
        return canceled;
    }

    public async Task<bool> CancelQueuedAsync(string callId, string reason, CancellationToken cancellationToken = default)
    {
        var now = Truncate(time.GetUtcNow());
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var call = await CancelInAsync(connection, transaction, callId, reason, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (call is not null) webhookSignal?.Notify();
        return call is not null;
    }

    public async Task<IReadOnlyList<string>> CancelCampaignAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        var at = Truncate(time.GetUtcNow());
        var now = at.ToUnixMs();
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var waiting = new List<Call>();
        await using (var select = dialect.Command(connection,
                         $"SELECT {CallRows.Columns} FROM orch_calls c WHERE c.campaign_id = @campaign AND c.status IN ('Created', 'Queued')",
                         transaction)
                         .With("@campaign", campaignId))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
            while (await reader.ReadAsync(cancellationToken)) waiting.Add(CallRows.Read(reader));
        // Set-wise, not call by call: a campaign may hold 100,000 queued calls. The results rows' status
        // columns are authoritative over their documents (SqlResultStore.Read), so columns suffice.
        await using (var calls = dialect.Command(connection,
                         """
                         UPDATE orch_calls SET status = 'Canceled', cancel_reason = 'campaign_canceled', next_at = NULL, completed_at = @now
                         WHERE campaign_id = @campaign AND status IN ('Created', 'Queued')
                         """, transaction).With("@campaign", campaignId).With("@now", now))
            await calls.ExecuteNonQueryAsync(cancellationToken);
        await using (var rows = dialect.Command(connection,
                         """
                         UPDATE orch_conversation_results SET status = 'Canceled', finish_reason = 'canceled', ended_at = @now, saved_at = @now
                         WHERE campaign_id = @campaign AND status IN ('Created', 'Queued')
                           AND conversation_id IN (SELECT id FROM orch_calls WHERE campaign_id = @campaign AND cancel_reason = 'campaign_canceled')
                         """, transaction).With("@campaign", campaignId).With("@now", now))
            await rows.ExecuteNonQueryAsync(cancellationToken);
        // One CallDeadLine per call (rest.md, Webhooks), committed with the cancel itself.
        var agents = new Dictionary<string, Orchestrator.Messages.Agents.Agent?>();
        foreach (var call in waiting)
            await CallWebhooks.EnqueueDeadLineAsync(dialect, connection, transaction,
                WebhookCall.Of(call), CancelReasons.CampaignCanceled, at, cancellationToken, agents);
        await transaction.CommitAsync(cancellationToken);
        if (waiting.Count > 0) webhookSignal?.Notify();
        return waiting.Select(c => c.CallId).ToList();
    }

    public async Task<IReadOnlyList<ClaimedAttempt>> ListClaimedAsync(DateTimeOffset claimedBefore, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var select = dialect.Command(connection,
                """
                SELECT id, attempts, conversation_id, claimed_at FROM orch_calls
                WHERE status = 'Running' AND claimed_at < @before ORDER BY claimed_at LIMIT @limit
                """)
            .With("@before", claimedBefore.ToUnixMs()).With("@limit", limit);
        var claims = new List<ClaimedAttempt>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            claims.Add(new ClaimedAttempt(reader.GetString(0), Convert.ToInt32(reader.GetValue(1)), reader.GetString(2),
                DbExtensions.FromUnixMs(reader.GetInt64(3))));
        return claims;
    }

    public async Task<string?> EndAttemptAsync(string callId, int attempt, string outcome, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var ended = await CallAttemptEnding.EndAsync(dialect, connection, transaction, callId, attempt, outcome, null, Truncate(now), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (ended?.WebhookWritten == true) webhookSignal?.Notify();
        return ended?.Call.Status;
    }

    public async Task<DateTimeOffset?> NextDueTimeAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var select = dialect.Command(connection, "SELECT MIN(next_at) FROM orch_calls WHERE status = 'Queued'");
        return await select.ExecuteScalarAsync(cancellationToken) is { } value and not DBNull
            ? DbExtensions.FromUnixMs(Convert.ToInt64(value)) : null;
    }

    public async Task<int> CountRunningAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var count = dialect.Command(connection, "SELECT COUNT(*) FROM orch_calls WHERE status = 'Running'");
        return (int)await count.ScalarLongAsync(cancellationToken);
    }

    private async Task WriteRowAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction,
        string callId, DateTimeOffset now, CancellationToken ct)
    {
        var call = await CallRows.FindAsync(dialect, connection, transaction, callId, ct)
            ?? throw new InvalidOperationException($"Call {callId} vanished inside its own transaction");
        await CallResultRows.WriteAsync(dialect, connection, transaction, call, null, now, ct);
    }
}
