using System.Data.Common;
using Orchestrator.Storage.Database;

namespace Orchestrator.Storage.Webhooks;

/// <summary>A delivery a sender holds a lease on; <see cref="LockToken"/> proves the lease when recording the attempt.</summary>
public sealed record ClaimedDelivery(WebhookDelivery Delivery, string LockToken);

/// <summary>The outbox seen by its senders and by the deliveries list.</summary>
public sealed class SqlWebhookOutbox(SqlDialect dialect, TimeProvider time, WebhookOutboxSignal signal)
{
    private const string Columns =
        "id, agent_id, type, url, headers, secret, body, status, attempts, last_status_code, last_error, next_attempt_at, created_at, updated_at";

    // The outer conditions repeat the inner ones on purpose: under PostgreSQL's read committed, a
    // second sender racing for the same rows waits for the first and then re-checks them against
    // the row as the first left it (leased), so it skips them instead of sending them again.
    private const string Claim =
        $"""
        UPDATE orch_webhook_deliveries SET locked_until = @lease, lock_token = @token
        WHERE id IN (SELECT id FROM orch_webhook_deliveries
                     WHERE status = 'pending' AND next_attempt_at <= @now AND (locked_until IS NULL OR locked_until <= @now)
                     ORDER BY next_attempt_at LIMIT @batch)
          AND status = 'pending' AND next_attempt_at <= @now AND (locked_until IS NULL OR locked_until <= @now)
        RETURNING {Columns}
        """;

    /// <summary>Writes a delivery on a connection of its own (nothing else to commit with it) and wakes this node's sender.</summary>
    public async Task<bool> EnqueueAsync(WebhookDelivery delivery, CancellationToken cancellationToken = default)
    {
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        var inserted = await WebhookOutboxSql.InsertAsync(dialect, connection, null, delivery, cancellationToken);
        if (inserted) signal.Notify();
        return inserted;
    }

    /// <summary>Leases up to <paramref name="batch"/> due deliveries for <paramref name="lease"/>, oldest due first.</summary>
    public async Task<IReadOnlyList<ClaimedDelivery>> ClaimDueAsync(int batch, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var token = Guid.NewGuid().ToString("N");
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var claim = dialect.Command(connection, Claim)
            .With("@lease", (now + lease).ToUnixMs()).With("@token", token).With("@now", now.ToUnixMs()).With("@batch", batch);
        var claimed = new List<ClaimedDelivery>();
        await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            claimed.Add(new ClaimedDelivery(Read(reader), token));
        // RETURNING has no order of its own.
        return claimed.OrderBy(c => c.Delivery.NextAttemptTime).ThenBy(c => c.Delivery.DeliveryId, StringComparer.Ordinal).ToList();
    }

    /// <summary>Records an attempt and releases the lease; false when the lease was lost (it ran out and another sender took the row).</summary>
    public async Task<bool> RecordAttemptAsync(ClaimedDelivery claim, WebhookDeliveryUpdate update, CancellationToken cancellationToken = default)
    {
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var command = dialect.Command(connection,
                """
                UPDATE orch_webhook_deliveries SET status = @status, attempts = @attempts, last_status_code = @code,
                    last_error = @error, next_attempt_at = @next, locked_until = NULL, lock_token = NULL, updated_at = @now
                WHERE id = @id AND lock_token = @token
                """)
            .With("@status", update.Status).With("@attempts", update.Attempts).With("@code", update.LastStatusCode)
            .With("@error", Truncate(update.LastError)).With("@next", update.NextAttemptTime?.ToUnixMs())
            .With("@now", time.GetUtcNow().ToUnixMs()).With("@id", claim.Delivery.DeliveryId).With("@token", claim.LockToken);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<WebhookDelivery?> GetAsync(string deliveryId, CancellationToken cancellationToken = default)
    {
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var select = dialect.Command(connection, $"SELECT {Columns} FROM orch_webhook_deliveries WHERE id = @id")
            .With("@id", deliveryId);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <summary>Deliveries newest first, filtered by agent and status when given.</summary>
    public async Task<PagedList<WebhookDelivery>> ListAsync(string? agentId, string? status, int skip, int take, CancellationToken cancellationToken = default)
    {
        var clauses = new List<string>();
        if (!string.IsNullOrEmpty(agentId)) clauses.Add("agent_id = @agent");
        if (!string.IsNullOrEmpty(status)) clauses.Add("status = @status");
        var where = clauses.Count == 0 ? "" : " WHERE " + string.Join(" AND ", clauses);

        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var count = Filtered(connection, $"SELECT COUNT(*) FROM orch_webhook_deliveries{where}", agentId, status);
        var total = (int)await count.ScalarLongAsync(cancellationToken);

        await using var select = Filtered(connection,
                $"SELECT {Columns} FROM orch_webhook_deliveries{where} ORDER BY created_at DESC, id DESC LIMIT @take OFFSET @skip",
                agentId, status)
            .With("@take", take).With("@skip", skip);
        var items = new List<WebhookDelivery>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) items.Add(Read(reader));
        return new PagedList<WebhookDelivery>(items, total);
    }

    private DbCommand Filtered(DbConnection connection, string sql, string? agentId, string? status)
    {
        var command = dialect.Command(connection, sql);
        if (!string.IsNullOrEmpty(agentId)) command.With("@agent", agentId);
        if (!string.IsNullOrEmpty(status)) command.With("@status", status);
        return command;
    }

    private static WebhookDelivery Read(DbDataReader r) => new()
    {
        DeliveryId = r.GetString(0),
        AgentId = r.IsDBNull(1) ? null : r.GetString(1),
        Type = r.GetString(2),
        Url = r.GetString(3),
        Headers = StoredJson.Deserialize<Dictionary<string, string>>(r.GetString(4)),
        Secret = r.IsDBNull(5) ? null : r.GetString(5),
        Body = r.GetString(6),
        Status = r.GetString(7),
        Attempts = Convert.ToInt32(r.GetValue(8)),
        LastStatusCode = r.IsDBNull(9) ? null : Convert.ToInt32(r.GetValue(9)),
        LastError = r.IsDBNull(10) ? null : r.GetString(10),
        NextAttemptTime = r.FromUnixMsOrNull(11),
        CreatedTime = DbExtensions.FromUnixMs(r.GetInt64(12)),
        UpdatedTime = DbExtensions.FromUnixMs(r.GetInt64(13)),
    };

    // An error text comes from the network; a bound keeps one odd receiver from bloating the table.
    private static string? Truncate(string? text) => text is { Length: > 1000 } ? text[..1000] + "…" : text;
}
