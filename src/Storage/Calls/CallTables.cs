using Orchestrator.Storage.Database;

namespace Orchestrator.Storage.Calls;

/// <summary>
/// The call queue's tables. <c>next_at</c> is set only while a call is Queued; the partial index
/// <c>ix_orch_calls_queue</c> holds just the queued calls in start order (priority desc, created asc),
/// so picking the next batch walks the head of that index instead of sorting the queue.
/// </summary>
internal static class CallTables
{
    public static IEnumerable<string> Statements(SqlDialect d) =>
    [
        """
        CREATE TABLE IF NOT EXISTS orch_calls (
            id TEXT PRIMARY KEY,
            agent_id TEXT NOT NULL,
            campaign_id TEXT NULL,
            endpoint TEXT NOT NULL,
            status TEXT NOT NULL,
            priority INTEGER NOT NULL,
            created_at BIGINT NOT NULL,
            deadline_at BIGINT NOT NULL,
            not_before BIGINT NULL,
            next_at BIGINT NULL,
            timezone TEXT NULL,
            attempts INTEGER NOT NULL,
            max_attempts INTEGER NOT NULL,
            last_outcome TEXT NULL,
            conversation_id TEXT NULL,
            cancel_reason TEXT NULL,
            idempotency_key TEXT NULL,
            claimed_at BIGINT NULL,
            started_at BIGINT NULL,
            completed_at BIGINT NULL,
            doc TEXT NOT NULL)
        """,
        "CREATE INDEX IF NOT EXISTS ix_orch_calls_queue ON orch_calls (priority DESC, created_at, id) WHERE status = 'Queued'",
        "CREATE INDEX IF NOT EXISTS ix_orch_calls_deadline ON orch_calls (deadline_at) WHERE status = 'Queued'",
        "CREATE INDEX IF NOT EXISTS ix_orch_calls_next ON orch_calls (next_at) WHERE status = 'Queued'",
        "CREATE INDEX IF NOT EXISTS ix_orch_calls_running ON orch_calls (claimed_at) WHERE status = 'Running'",
        "CREATE INDEX IF NOT EXISTS ix_orch_calls_agent ON orch_calls (agent_id, status)",
        "CREATE INDEX IF NOT EXISTS ix_orch_calls_campaign ON orch_calls (campaign_id, status)",
        "CREATE INDEX IF NOT EXISTS ix_orch_calls_created ON orch_calls (created_at, id)",
        "CREATE UNIQUE INDEX IF NOT EXISTS ux_orch_calls_idempotency ON orch_calls (agent_id, idempotency_key) WHERE idempotency_key IS NOT NULL",

        // One row per dial attempt; its conversation's result is stored under conversation_id.
        """
        CREATE TABLE IF NOT EXISTS orch_call_attempts (
            call_id TEXT NOT NULL,
            attempt INTEGER NOT NULL,
            conversation_id TEXT NOT NULL,
            started_at BIGINT NOT NULL,
            ended_at BIGINT NULL,
            outcome TEXT NULL,
            PRIMARY KEY (call_id, attempt))
        """,
        "CREATE UNIQUE INDEX IF NOT EXISTS ux_orch_call_attempts_conversation ON orch_call_attempts (conversation_id)",
    ];
}
