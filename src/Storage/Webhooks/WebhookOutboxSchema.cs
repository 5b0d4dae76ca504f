using Orchestrator.Storage.Database;

namespace Orchestrator.Storage.Webhooks;

/// <summary>
/// The outbox table. <c>locked_until</c>/<c>lock_token</c> are a sender's lease on a row it is
/// sending, so two nodes never send the same row at once; a lease that runs out (its node died)
/// makes the row due again.
/// </summary>
internal static class WebhookOutboxSchema
{
    public static IEnumerable<string> Statements(SqlDialect d) =>
    [
        """
        CREATE TABLE IF NOT EXISTS orch_webhook_deliveries (
            id TEXT PRIMARY KEY,
            agent_id TEXT NULL,
            type TEXT NOT NULL,
            url TEXT NOT NULL,
            headers TEXT NOT NULL,
            secret TEXT NULL,
            body TEXT NOT NULL,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            last_status_code INTEGER NULL,
            last_error TEXT NULL,
            next_attempt_at BIGINT NULL,
            locked_until BIGINT NULL,
            lock_token TEXT NULL,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL)
        """,
        // What the senders poll: only pending rows, by due time.
        "CREATE INDEX IF NOT EXISTS ix_orch_webhook_deliveries_due ON orch_webhook_deliveries (next_attempt_at) WHERE status = 'pending'",
        "CREATE INDEX IF NOT EXISTS ix_orch_webhook_deliveries_created ON orch_webhook_deliveries (created_at, id)",
        "CREATE INDEX IF NOT EXISTS ix_orch_webhook_deliveries_agent ON orch_webhook_deliveries (agent_id, created_at)",
    ];
}
