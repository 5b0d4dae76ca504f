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

    /// <summary>
    /// Where the Akka journal and snapshots go. Empty: on PostgreSQL the same database; on SQLite a
    /// file of its own beside the main one (<c>orchestrator-journal.db</c>), because SQLite lets one
    /// writer at a time into a file and the journal should never queue behind the other records.
    /// </summary>
    public string JournalConnectionString { get; set; } = "";

    public string EffectiveJournalConnectionString
    {
        get
        {
            if (!string.IsNullOrWhiteSpace(JournalConnectionString)) return JournalConnectionString;
            if (IsPostgres) return EffectiveConnectionString;
            var builder = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(EffectiveConnectionString);
            var source = builder.DataSource;
            if (string.IsNullOrWhiteSpace(source) || source == ":memory:" || source.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
                return EffectiveConnectionString;
            builder.DataSource = Path.Combine(Path.GetDirectoryName(source) ?? "",
                Path.GetFileNameWithoutExtension(source) + "-journal" + Path.GetExtension(source));
            return builder.ConnectionString;
        }
    }

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
