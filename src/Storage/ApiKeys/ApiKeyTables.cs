using Orchestrator.Storage.Database;

namespace Orchestrator.Storage.ApiKeys;

/// <summary>API keys created over REST: only the SHA-256 of the key is kept; scopes are space-separated.</summary>
internal static class ApiKeyTables
{
    public static IEnumerable<string> Statements(SqlDialect d) =>
    [
        """
        CREATE TABLE IF NOT EXISTS orch_api_keys (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            key_hash TEXT NOT NULL,
            scopes TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            expires_at BIGINT NULL,
            revoked_at BIGINT NULL,
            last_used_at BIGINT NULL)
        """,
        "CREATE UNIQUE INDEX IF NOT EXISTS ux_orch_api_keys_hash ON orch_api_keys (key_hash)",
        "CREATE INDEX IF NOT EXISTS ix_orch_api_keys_created ON orch_api_keys (created_at, id)",
    ];
}
