using Microsoft.Data.Sqlite;
using Npgsql;
using Orchestrator.Storage.Agents;
using Orchestrator.Storage.Database;
using Orchestrator.Storage.Integrations;
using Orchestrator.Storage.Results;

namespace Orchestrator.Storage.Tests;

/// <summary>
/// A fresh, initialized database for one test: a SQLite file in a temp folder, or a new database
/// on the PostgreSQL server named by ORCH_TEST_PG.
/// </summary>
public sealed class StorageDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "ORCH_TEST_PG";

    private readonly Func<Task> _cleanup;

    public SqlDialect Dialect { get; }
    public string ConnectionString { get; }
    public TestTime Time { get; } = new();
    public SqlAgentStore Agents { get; }
    public SqlWebIntegrationStore Integrations { get; }
    public SqlResultStore Results { get; }
    public Orchestrator.Storage.Telephony.SqlSipTrunkStore Trunks { get; }
    public Orchestrator.Storage.Conversations.SqlLiveConversationIndex Live { get; }

    private StorageDatabase(SqlDialect dialect, string connectionString, Func<Task> cleanup)
    {
        Dialect = dialect;
        ConnectionString = connectionString;
        _cleanup = cleanup;
        Agents = new SqlAgentStore(dialect, Time);
        Integrations = new SqlWebIntegrationStore(dialect, Time);
        Results = new SqlResultStore(dialect, Time);
        Trunks = new Orchestrator.Storage.Telephony.SqlSipTrunkStore(dialect, Time);
        Live = new Orchestrator.Storage.Conversations.SqlLiveConversationIndex(dialect);
    }

    public static async Task<StorageDatabase> CreateAsync(string provider)
    {
        var database = provider switch
        {
            StorageProviders.Sqlite => Sqlite(),
            StorageProviders.Postgres => await PostgresAsync(),
            _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
        };
        await new DatabaseInitializer(database.Dialect).EnsureCreatedAsync();
        return database;
    }

    private static StorageDatabase Sqlite()
    {
        // A folder that does not exist yet: the initializer must create it.
        var dir = Path.Combine(Path.GetTempPath(), "orch-storage-tests", Guid.NewGuid().ToString("N"), "nested");
        var cs = $"Data Source={Path.Combine(dir, "test.db")}";
        return new StorageDatabase(new SqliteDialect(cs), cs, () =>
        {
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(Path.GetDirectoryName(dir)!, recursive: true); } catch (IOException) { }
            return Task.CompletedTask;
        });
    }

    private static async Task<StorageDatabase> PostgresAsync()
    {
        var server = Environment.GetEnvironmentVariable(PostgresVariable);
        if (string.IsNullOrWhiteSpace(server))
            throw new InvalidOperationException(
                $"{PostgresVariable} is not set but CI=true: the PostgreSQL storage tests must run in CI. " +
                "Start a server with `eval \"$(scripts/postgres.sh)\"`.");
        var name = "orch_st_" + Guid.NewGuid().ToString("N")[..12];
        await using (var conn = new NpgsqlConnection(server))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        var cs = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
        var dialect = new PostgresDialect(cs);
        return new StorageDatabase(dialect, cs, async () =>
        {
            dialect.Dispose();
            NpgsqlConnection.ClearAllPools();
            await using var conn = new NpgsqlConnection(server);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", conn);
            await cmd.ExecuteNonQueryAsync();
        });
    }

    /// <summary>Runs a scalar query against the raw database (to check what is really stored).</summary>
    public async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = Dialect.CreateConnection();
        await connection.OpenAsync();
        await using var command = Dialect.Command(connection, sql);
        return await command.ExecuteScalarAsync();
    }

    public async ValueTask DisposeAsync() => await _cleanup();
}

/// <summary>A clock the tests move by hand.</summary>
public sealed class TestTime : TimeProvider
{
    private DateTimeOffset _now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    public override DateTimeOffset GetUtcNow() => _now;
    public void Advance(TimeSpan by) => _now += by;
}
