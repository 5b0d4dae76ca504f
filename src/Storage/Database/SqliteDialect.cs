using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Orchestrator.Storage.Database;

public sealed class SqliteDialect : SqlDialect
{
    /// <summary>Seconds a command waits for a lock held by another writer (the Akka journal shares the file).</summary>
    public const int BusyTimeoutSeconds = 30;

    private readonly string _connectionString;

    public SqliteDialect(string connectionString)
    {
        _connectionString = NormalizeConnectionString(connectionString);
    }

    public string ConnectionString => _connectionString;

    public override string Name => StorageProviders.Sqlite;
    public override string BooleanType => "INTEGER";
    public override string DoubleType => "REAL";

    /// <summary>
    /// Adds a busy timeout unless one is given: Microsoft.Data.Sqlite retries a locked database
    /// until "Default Timeout" passes, so concurrent writers wait instead of failing with SQLITE_BUSY.
    /// </summary>
    public static string NormalizeConnectionString(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Timeout", StringComparison.OrdinalIgnoreCase))
            builder.DefaultTimeout = BusyTimeoutSeconds;
        return builder.ConnectionString;
    }

    public override DbConnection CreateConnection()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.StateChange += (_, change) =>
        {
            if (change.CurrentState == System.Data.ConnectionState.Open) SqlitePragmas.Apply(connection);
        };
        return connection;
    }

    public override string JsonPropertyEquals(string documentColumn, string jsonPath, string keyParameter, string valueParameter) =>
        // json_each instead of json_extract: a key bound as a parameter needs no path quoting.
        $"EXISTS (SELECT 1 FROM json_each({documentColumn}, '$.{jsonPath}') AS j WHERE j.key = {keyParameter} AND " +
        $"(CASE j.type WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'null' THEN 'null' ELSE CAST(j.value AS TEXT) END) = {valueParameter})";

    public override string Contains(string column, string parameter) => $"instr({column}, {parameter}) > 0";

    public override bool IsUniqueViolation(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: 19 }; // SQLITE_CONSTRAINT

    public override IEnumerable<string> PreparationStatements =>
    [
        // WAL lets readers go on while the journal writes; it is a property of the file, set once.
        "PRAGMA journal_mode=WAL;",
    ];

    public override void PrepareEnvironment()
    {
        var builder = new SqliteConnectionStringBuilder(_connectionString);
        var source = builder.DataSource;
        if (string.IsNullOrWhiteSpace(source) || source == ":memory:" || source.StartsWith("file:", StringComparison.OrdinalIgnoreCase)
            || builder.Mode == SqliteOpenMode.Memory)
            return;
        var directory = Path.GetDirectoryName(Path.GetFullPath(source));
        if (!string.IsNullOrEmpty(directory))
            Directory.CreateDirectory(directory);
    }
}
