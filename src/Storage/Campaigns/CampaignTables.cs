using Orchestrator.Storage.Database;

namespace Orchestrator.Storage.Campaigns;

/// <summary>Campaigns; their calls are rows of orch_calls with its campaign_id (indexed with the status for counts).</summary>
internal static class CampaignTables
{
    public static IEnumerable<string> Statements(SqlDialect d) =>
    [
        $"""
        CREATE TABLE IF NOT EXISTS orch_campaigns (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            agent_id TEXT NOT NULL,
            status TEXT NOT NULL,
            concurrency INTEGER NOT NULL,
            cps_limit {d.DoubleType} NULL,
            created_at BIGINT NOT NULL,
            completed_at BIGINT NULL,
            doc TEXT NOT NULL)
        """,
        "CREATE INDEX IF NOT EXISTS ix_orch_campaigns_created ON orch_campaigns (created_at, id)",
    ];
}
