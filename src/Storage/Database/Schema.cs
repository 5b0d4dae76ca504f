namespace Orchestrator.Storage.Database;

/// <summary>
/// The storage tables. Times are Unix milliseconds (UTC) so both databases compare and sort them
/// the same way; the JSON document column is the record as the API shows it, the other columns
/// exist to be filtered, sorted and indexed.
/// </summary>
internal static class Schema
{
    public static IEnumerable<string> Statements(SqlDialect d) =>
    [
        $"""
        CREATE TABLE IF NOT EXISTS orch_agents (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            enabled {d.BooleanType} NOT NULL,
            doc TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL)
        """,
        "CREATE INDEX IF NOT EXISTS ix_orch_agents_created ON orch_agents (created_at, id)",

        $"""
        CREATE TABLE IF NOT EXISTS orch_web_integrations (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            agent_id TEXT NOT NULL,
            enabled {d.BooleanType} NOT NULL,
            doc TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL)
        """,
        "CREATE INDEX IF NOT EXISTS ix_orch_web_integrations_created ON orch_web_integrations (created_at, id)",
        "CREATE INDEX IF NOT EXISTS ix_orch_web_integrations_agent ON orch_web_integrations (agent_id)",

        """
        CREATE TABLE IF NOT EXISTS orch_integration_tokens (
            id TEXT PRIMARY KEY,
            integration_id TEXT NOT NULL,
            name TEXT NOT NULL,
            token_hash TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            expires_at BIGINT NULL,
            revoked_at BIGINT NULL,
            last_used_at BIGINT NULL)
        """,
        "CREATE UNIQUE INDEX IF NOT EXISTS ux_orch_integration_tokens_hash ON orch_integration_tokens (token_hash)",
        // A revoked token frees its name for a new one.
        "CREATE UNIQUE INDEX IF NOT EXISTS ux_orch_integration_tokens_name ON orch_integration_tokens (integration_id, name) WHERE revoked_at IS NULL",
        "CREATE INDEX IF NOT EXISTS ix_orch_integration_tokens_integration ON orch_integration_tokens (integration_id)",

        $"""
        CREATE TABLE IF NOT EXISTS orch_conversation_results (
            conversation_id TEXT PRIMARY KEY,
            agent_id TEXT NOT NULL,
            call_type TEXT NOT NULL,
            status TEXT NOT NULL,
            finish_reason TEXT NOT NULL,
            started_at BIGINT NOT NULL,
            ended_at BIGINT NOT NULL,
            duration_seconds {d.DoubleType} NOT NULL,
            endpoint TEXT NULL,
            campaign_id TEXT NULL,
            transcript_text TEXT NOT NULL,
            doc TEXT NOT NULL,
            saved_at BIGINT NOT NULL)
        """,
        "CREATE INDEX IF NOT EXISTS ix_orch_results_started ON orch_conversation_results (started_at)",
        "CREATE INDEX IF NOT EXISTS ix_orch_results_ended ON orch_conversation_results (ended_at)",
        "CREATE INDEX IF NOT EXISTS ix_orch_results_agent_started ON orch_conversation_results (agent_id, started_at)",
        "CREATE INDEX IF NOT EXISTS ix_orch_results_status ON orch_conversation_results (status)",
        "CREATE INDEX IF NOT EXISTS ix_orch_results_call_type ON orch_conversation_results (call_type)",
        "CREATE INDEX IF NOT EXISTS ix_orch_results_campaign ON orch_conversation_results (campaign_id)",
        "CREATE INDEX IF NOT EXISTS ix_orch_results_duration ON orch_conversation_results (duration_seconds)",

        """
        CREATE TABLE IF NOT EXISTS orch_sip_trunks (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            doc TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL)
        """,
        "CREATE UNIQUE INDEX IF NOT EXISTS ux_orch_sip_trunks_name ON orch_sip_trunks (name)",
        "CREATE INDEX IF NOT EXISTS ix_orch_sip_trunks_created ON orch_sip_trunks (created_at, id)",

        // Conversations started and not yet finished with a stored result: what the reviver wakes.
        """
        CREATE TABLE IF NOT EXISTS orch_live_conversations (
            conversation_id TEXT PRIMARY KEY,
            started_at BIGINT NOT NULL)
        """,

        .. Webhooks.WebhookOutboxSchema.Statements(d),
        .. Calls.CallTables.Statements(d),
        .. Campaigns.CampaignTables.Statements(d),
        .. ApiKeys.ApiKeyTables.Statements(d),
    ];
}
