using Npgsql;

namespace Orchestrator.Node.Tests.Infrastructure;

/// <summary>
/// A throwaway database: a SQLite file in a temp folder, or a fresh database on the PostgreSQL
/// server named by ORCH_TEST_PG (started by scripts/test.sh / .ci/run).
/// </summary>
public sealed class TestDatabase : IDisposable
{
    public string Provider { get; }
    public string ConnectionString { get; }
    private readonly Action _cleanup;

    private TestDatabase(string provider, string connectionString, Action cleanup)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _cleanup = cleanup;
    }

    public static TestDatabase Sqlite()
    {
        var dir = Path.Combine(Path.GetTempPath(), "orch-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return new TestDatabase("sqlite", $"Data Source={Path.Combine(dir, "test.db")}", () =>
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        });
    }

    /// <summary>The server's connection string, or null when no PostgreSQL was provided.</summary>
    public static string? PostgresServer => Environment.GetEnvironmentVariable("ORCH_TEST_PG");

    public static TestDatabase Postgres()
    {
        var server = PostgresServer ?? throw new InvalidOperationException(
            "ORCH_TEST_PG is not set: run the tests through scripts/test.sh, which starts PostgreSQL.");
        var name = "orch_" + Guid.NewGuid().ToString("N")[..12];
        using (var conn = new NpgsqlConnection(server))
        {
            conn.Open();
            using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", conn);
            cmd.ExecuteNonQuery();
        }
        var cs = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
        return new TestDatabase("postgresql", cs, () =>
        {
            NpgsqlConnection.ClearAllPools();
            try
            {
                using var conn = new NpgsqlConnection(server);
                conn.Open();
                using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", conn);
                cmd.ExecuteNonQuery();
            }
            catch (NpgsqlException) { }
        });
    }

    public void Dispose() => _cleanup();
}
