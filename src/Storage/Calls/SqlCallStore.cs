using System.Data.Common;
using Orchestrator.Actors.Dialer.Ports;
using Orchestrator.Messages.Calls;
using Orchestrator.Messages.Webhooks;
using Orchestrator.Storage.Database;
using Orchestrator.Storage.Webhooks;

namespace Orchestrator.Storage.Calls;

/// <summary>
/// The call table behind the REST API and the dispatcher. Every cancel and every attempt that ends a
/// call for good writes its webhook in the same transaction (SQLite or PostgreSQL, the database of the
/// rest); <paramref name="webhookSignal"/> then wakes this node's webhook sender.
/// </summary>
public sealed partial class SqlCallStore(SqlDialect dialect, TimeProvider time, WebhookOutboxSignal? webhookSignal = null)
    : ICallStore, ICallQueue
{
    private const string Insert =
        """
        INSERT INTO orch_calls (id, agent_id, campaign_id, endpoint, status, priority, created_at, deadline_at, not_before,
            next_at, timezone, attempts, max_attempts, last_outcome, conversation_id, cancel_reason, idempotency_key,
            claimed_at, started_at, completed_at, doc)
        VALUES (@id, @agent, @campaign, @endpoint, @status, @priority, @created, @deadline, @notBefore,
            @next, @timezone, 0, @maxAttempts, NULL, NULL, @reason, @key, NULL, NULL, @completed, @doc)
        """;

    public async Task<CreatedCall> CreateAsync(NewCall call, CancellationToken cancellationToken = default) =>
        (await CreateManyAsync([call], cancellationToken))[0];

    public async Task<IReadOnlyList<CreatedCall>> CreateManyAsync(IReadOnlyList<NewCall> calls, CancellationToken cancellationToken = default)
    {
        var now = Truncate(time.GetUtcNow());
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var created = new List<CreatedCall>(calls.Count);
        // Keys seen in this batch: a repeated key within one request also returns the first call.
        var byKey = new Dictionary<(string, string), Call>();
        await using var insert = dialect.Command(connection, Insert, transaction);
        foreach (var call in calls)
            created.Add(await InsertOneAsync(connection, transaction, insert, call, now, byKey, cancellationToken));
        try
        {
            await transaction.CommitAsync(cancellationToken);
        }
        catch (Exception e) when (dialect.IsUniqueViolation(e))
        {
            // Another request created a call with one of these keys at the same moment: start over, finding it.
            throw new StorageConflictException("A call with the same idempotency key was created concurrently; retry the request.", e);
        }
        return created;
    }

    public async Task<int> CreateStreamAsync(IAsyncEnumerable<NewCall> calls, CancellationToken cancellationToken = default)
    {
        var now = Truncate(time.GetUtcNow());
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var byKey = new Dictionary<(string, string), Call>();
        await using var insert = dialect.Command(connection, Insert, transaction);
        var added = 0;
        // A bad item throws out of the enumeration: the transaction is disposed uncommitted and nothing is added.
        await foreach (var call in calls.WithCancellation(cancellationToken))
            if ((await InsertOneAsync(connection, transaction, insert, call, now, byKey, cancellationToken)).IsNew) added++;
        await transaction.CommitAsync(cancellationToken);
        return added;
    }

    private async Task<CreatedCall> InsertOneAsync(DbConnection connection, DbTransaction transaction, DbCommand insert, NewCall call,
        DateTimeOffset now, Dictionary<(string, string), Call> byKey, CancellationToken ct)
    {
        if (call.IdempotencyKey is { } key)
        {
            if (byKey.TryGetValue((call.AgentId, key), out var same)) return new(same, false);
            if (await FindByKeyAsync(connection, transaction, call.AgentId, key, ct) is { } existing)
            {
                byKey[(call.AgentId, key)] = existing;
                return new(existing, false);
            }
        }
        var stored = ToCall(call, SequentialIds.Next(), call.CreatedTime is { } at ? Truncate(at) : now);
        insert.Parameters.Clear();
        insert.With("@id", stored.CallId).With("@agent", stored.AgentId).With("@campaign", stored.CampaignId)
            .With("@endpoint", stored.Endpoint).With("@status", stored.Status).With("@priority", stored.Priority)
            .With("@created", stored.CreatedTime.ToUnixMs()).With("@deadline", stored.CallDeadline.ToUnixMs())
            .With("@notBefore", stored.NotBefore.ToUnixMs()).With("@next", stored.NextScheduleTime.ToUnixMs())
            .With("@timezone", stored.Timezone).With("@maxAttempts", stored.MaxAttempts).With("@reason", stored.CancelReason)
            .With("@key", call.IdempotencyKey).With("@completed", stored.CompletedTime.ToUnixMs())
            .With("@doc", StoredJson.Serialize(new CallDoc(stored.AdditionalData, call.Retry.ToJson())));
        await insert.ExecuteNonQueryAsync(ct);
        await CallResultRows.WriteAsync(dialect, connection, transaction, stored, null, now, ct);
        if (call.IdempotencyKey is { } newKey) byKey[(call.AgentId, newKey)] = stored;
        return new(stored, true);
    }

    private static Call ToCall(NewCall call, string id, DateTimeOffset now) => new()
    {
        CallId = id, AgentId = call.AgentId, CampaignId = call.CampaignId, Endpoint = call.Endpoint, Status = call.Status,
        Priority = call.Priority, CallDeadline = Truncate(call.CallDeadline), Timezone = call.Timezone,
        NotBefore = call.NotBefore is { } nb ? Truncate(nb) : null,
        NextScheduleTime = call.NextScheduleTime is { } next ? Truncate(next) : null,
        MaxAttempts = call.Retry.MaxAttempts, CancelReason = call.CancelReason, AdditionalData = call.AdditionalData,
        CreatedTime = now, CompletedTime = CallStatuses.IsFinal(call.Status) ? now : null,
    };

    private async Task<Call?> FindByKeyAsync(DbConnection connection, DbTransaction transaction, string agentId, string key, CancellationToken ct)
    {
        await using var select = dialect.Command(connection,
                $"SELECT {CallRows.Columns} FROM orch_calls c WHERE c.agent_id = @agent AND c.idempotency_key = @key", transaction)
            .With("@agent", agentId).With("@key", key);
        await using var reader = await select.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? CallRows.Read(reader) : null;
    }

    public async Task<Call?> GetAsync(string callId, CancellationToken cancellationToken = default)
    {
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        var call = await CallRows.FindAsync(dialect, connection, null, callId, cancellationToken);
        if (call is null) return null;

        var history = new List<CallAttemptRecord>();
        await using var attempts = dialect.Command(connection,
                "SELECT attempt, conversation_id, started_at, ended_at, outcome FROM orch_call_attempts WHERE call_id = @id ORDER BY attempt")
            .With("@id", callId);
        await using var rows = await attempts.ExecuteReaderAsync(cancellationToken);
        while (await rows.ReadAsync(cancellationToken))
            history.Add(new CallAttemptRecord(Convert.ToInt32(rows.GetValue(0)), rows.GetString(1), DbExtensions.FromUnixMs(rows.GetInt64(2)),
                rows.FromUnixMsOrNull(3), rows.IsDBNull(4) ? null : rows.GetString(4)));
        return call with { AttemptHistory = history };
    }

    public async Task<PagedList<Call>> ListAsync(CallQuery query, CancellationToken cancellationToken = default)
    {
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var count = dialect.Command(connection, "");
        var where = Where(query, count);
        count.CommandText = $"SELECT COUNT(*) FROM orch_calls c{where}";
        var total = (int)await count.ScalarLongAsync(cancellationToken);

        await using var select = dialect.Command(connection, "");
        Where(query, select);
        select.CommandText = $"SELECT {CallRows.Columns} FROM orch_calls c{where} ORDER BY c.created_at, c.id LIMIT @take OFFSET @skip";
        select.With("@take", query.Take).With("@skip", query.Skip);
        var items = new List<Call>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) items.Add(CallRows.Read(reader));
        return new PagedList<Call>(items, total);
    }

    private static string Where(CallQuery query, DbCommand command)
    {
        var clauses = new List<string>();
        var statuses = query.Statuses?.Where(s => !string.IsNullOrEmpty(s)).Distinct().ToList();
        if (statuses is { Count: > 0 })
        {
            clauses.Add($"c.status IN ({string.Join(", ", statuses.Select((s, i) => { command.With($"@s{i}", s); return $"@s{i}"; }))})");
        }
        if (query.AgentId is { } agent) { clauses.Add("c.agent_id = @agent"); command.With("@agent", agent); }
        if (query.CampaignId is { } campaign) { clauses.Add("c.campaign_id = @campaign"); command.With("@campaign", campaign); }
        if (query.FromDate is { } from) { clauses.Add("c.created_at >= @from"); command.With("@from", from.ToUnixMs()); }
        if (query.ToDate is { } to) { clauses.Add("c.created_at <= @to"); command.With("@to", to.ToUnixMs()); }
        return clauses.Count == 0 ? "" : " WHERE " + string.Join(" AND ", clauses);
    }

    public async Task<(CancelOutcome Outcome, Call? Call)> CancelAsync(string callId, string reason, CancellationToken cancellationToken = default)
    {
        var now = Truncate(time.GetUtcNow());
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var call = await CancelInAsync(connection, transaction, callId, reason, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (call is not null)
        {
            webhookSignal?.Notify();
            return (CancelOutcome.Canceled, call);
        }
        var current = await GetAsync(callId, cancellationToken);
        return current is null ? (CancelOutcome.NotFound, null) : (CancelOutcome.NotCancelable, current);
    }

    /// <summary>
    /// Created/Queued → Canceled inside a transaction, with its CallDeadLine webhook; null when the call
    /// is not waiting. The outbox is signalled when the transaction commits.
    /// </summary>
    private async Task<Call?> CancelInAsync(DbConnection connection, DbTransaction transaction, string callId, string reason,
        DateTimeOffset now, CancellationToken ct)
    {
        await using (var update = dialect.Command(connection,
                         """
                         UPDATE orch_calls SET status = 'Canceled', cancel_reason = @reason, next_at = NULL, completed_at = @now
                         WHERE id = @id AND status IN ('Created', 'Queued')
                         """, transaction)
                         .With("@id", callId).With("@reason", reason).With("@now", now.ToUnixMs()))
        {
            if (await update.ExecuteNonQueryAsync(ct) != 1) return null;
        }
        var call = await CallRows.FindAsync(dialect, connection, transaction, callId, ct)
            ?? throw new InvalidOperationException($"Call {callId} vanished inside its own transaction");
        await CallResultRows.WriteAsync(dialect, connection, transaction, call, null, now, ct);
        await CallWebhooks.EnqueueDeadLineAsync(dialect, connection, transaction, WebhookCall.Of(call), reason, now, ct);
        return call;
    }

    public async Task<int> CountWaitingAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var count = dialect.Command(connection, "SELECT COUNT(*) FROM orch_calls WHERE status IN ('Created', 'Queued')");
        return (int)await count.ScalarLongAsync(cancellationToken);
    }

    /// <summary>Millisecond precision: what the columns hold, so what is returned equals what is read back.</summary>
    internal static DateTimeOffset Truncate(DateTimeOffset value) => DbExtensions.FromUnixMs(value.ToUnixMs());
}
