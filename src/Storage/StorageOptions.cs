namespace Orchestrator.Storage;

/// <summary>
/// One database holds everything: agents, integrations, results, and the Akka journal and
/// snapshots. SQLite (embedded, one node) by default; PostgreSQL for a cluster.
/// Bound from the "Orchestrator:Storage" configuration section.
/// </summary>
public sealed class StorageOptions
{
    public const string Section = "Orchestrator:Storage";

    /// <summary>"sqlite" (default) or "postgresql".</summary>
    public string Provider { get; set; } = StorageProviders.Sqlite;

    /// <summary>Defaults to a SQLite file under ./data when empty.</summary>
    public string ConnectionString { get; set; } = "";

    public bool IsPostgres => string.Equals(Provider, StorageProviders.Postgres, StringComparison.OrdinalIgnoreCase)
                              || string.Equals(Provider, "postgres", StringComparison.OrdinalIgnoreCase);

    public string EffectiveConnectionString =>
        string.IsNullOrWhiteSpace(ConnectionString) && !IsPostgres
            ? "Data Source=data/orchestrator.db"
            : ConnectionString;

    /// <summary>The linq2db provider name Akka.Persistence.Sql expects.</summary>
    public string LinqToDbProvider => IsPostgres ? "PostgreSQL.15" : "SQLite.MS";

    public void Validate()
    {
        if (!IsPostgres && !string.Equals(Provider, StorageProviders.Sqlite, StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"{Section}:Provider must be 'sqlite' or 'postgresql', not '{Provider}'.");
        if (IsPostgres && string.IsNullOrWhiteSpace(ConnectionString))
            throw new InvalidOperationException($"{Section}:ConnectionString is required for PostgreSQL.");
    }
}

public static class StorageProviders
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgresql";
}
