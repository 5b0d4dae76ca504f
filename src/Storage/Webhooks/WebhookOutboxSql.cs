using System.Data.Common;
using Orchestrator.Storage.Database;

namespace Orchestrator.Storage.Webhooks;

/// <summary>
/// Writes a delivery inside the caller's transaction, so it commits or rolls back with the fact it
/// reports (a stored result, a cancelled call). Insert-if-absent by delivery id: writing the same
/// delivery again (a retried save) leaves the first one as it is.
/// </summary>
public static class WebhookOutboxSql
{
    private const string Insert =
        """
        INSERT INTO orch_webhook_deliveries
            (id, agent_id, type, url, headers, secret, body, status, attempts, last_status_code, last_error,
             next_attempt_at, locked_until, lock_token, created_at, updated_at)
        VALUES (@id, @agent, @type, @url, @headers, @secret, @body, @status, 0, NULL, NULL, @next, NULL, NULL, @created, @created)
        ON CONFLICT (id) DO NOTHING
        """;

    /// <summary>True when the row was written, false when a delivery with this id already existed.</summary>
    public static async Task<bool> InsertAsync(
        SqlDialect dialect, DbConnection connection, DbTransaction? transaction, WebhookDelivery delivery,
        CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(delivery.DeliveryId)) throw new ArgumentException("A delivery needs an id.", nameof(delivery));
        await using var insert = dialect.Command(connection, Insert, transaction)
            .With("@id", delivery.DeliveryId).With("@agent", delivery.AgentId).With("@type", delivery.Type)
            .With("@url", delivery.Url).With("@headers", StoredJson.Serialize(delivery.Headers ?? []))
            .With("@secret", delivery.Secret).With("@body", delivery.Body)
            .With("@status", WebhookDeliveryStatuses.Pending)
            .With("@next", (delivery.NextAttemptTime ?? delivery.CreatedTime).ToUnixMs())
            .With("@created", delivery.CreatedTime.ToUnixMs());
        return await insert.ExecuteNonQueryAsync(cancellationToken) == 1;
    }
}
