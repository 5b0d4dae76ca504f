using Microsoft.Data.Sqlite;
using Orchestrator.Storage.Database;

namespace Orchestrator.Storage.Tests;

public sealed class DatabaseInitializerTests
{
    [Theory, SqliteCase, PostgresCase]
    public async Task Schema_creation_is_idempotent_and_keeps_data(string provider)
    {
        await using var db = await StorageDatabase.CreateAsync(provider);
        var agent = await db.Agents.CreateAsync(new() { Name = "kept" });

        await new DatabaseInitializer(db.Dialect).EnsureCreatedAsync();
        await new DatabaseInitializer(db.Dialect).EnsureCreatedAsync();

        Assert.Equal("kept", (await db.Agents.GetAsync(agent.AgentId))!.Name);
    }

    [Fact]
    public async Task Sqlite_file_gets_its_folder_and_wal_mode()
    {
        await using var db = await StorageDatabase.CreateAsync(StorageProviders.Sqlite);

        Assert.Equal("wal", (string?)await db.ScalarAsync("PRAGMA journal_mode"));
        var dataSource = new SqliteConnectionStringBuilder(db.ConnectionString).DataSource;
        Assert.True(File.Exists(dataSource));
    }

    [Fact]
    public async Task Sqlite_writer_waits_for_another_writer_instead_of_failing()
    {
        await using var db = await StorageDatabase.CreateAsync(StorageProviders.Sqlite);
        var sqlite = (SqliteDialect)db.Dialect;

        // Another writer (think: the Akka journal) holds the write lock for a while.
        await using var holder = new SqliteConnection(sqlite.ConnectionString);
        await holder.OpenAsync();
        await using (var begin = holder.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE; INSERT INTO orch_agents (id, name, enabled, doc, created_at, updated_at) VALUES ('x', 'x', 1, '{}', 0, 0);";
            await begin.ExecuteNonQueryAsync();
        }
        var release = Task.Run(async () =>
        {
            await Task.Delay(700);
            await using var commit = holder.CreateCommand();
            commit.CommandText = "COMMIT";
            await commit.ExecuteNonQueryAsync();
        });

        var agent = await db.Agents.CreateAsync(new() { Name = "waited" });
        await release;

        Assert.Equal("waited", (await db.Agents.GetAsync(agent.AgentId))!.Name);
        Assert.Equal(2, (await db.Agents.ListAsync(0, 10)).Total);
    }

    [Fact]
    public void A_given_sqlite_timeout_is_kept()
    {
        var cs = SqliteDialect.NormalizeConnectionString("Data Source=x.db;Default Timeout=5");
        Assert.Equal(5, new SqliteConnectionStringBuilder(cs).DefaultTimeout);
        Assert.Equal(SqliteDialect.BusyTimeoutSeconds, new SqliteConnectionStringBuilder(SqliteDialect.NormalizeConnectionString("Data Source=x.db")).DefaultTimeout);
    }

    [Fact]
    public void Invalid_provider_is_refused_with_a_clear_message()
    {
        var e = Assert.Throws<InvalidOperationException>(() =>
            StorageServiceCollectionExtensions.CreateDialect(new StorageOptions { Provider = "oracle" }));
        Assert.Contains("Orchestrator:Storage:Provider", e.Message);
    }
}
