using Npgsql;
using Orchestrator.Storage.Database;

namespace Orchestrator.Storage.Tests;

/// <summary>
/// The nodes of a cluster start together on one empty PostgreSQL database: each creates the schema
/// at start-up, and none may fail for the others doing the same (CREATE … IF NOT EXISTS alone races).
/// </summary>
public sealed class ConcurrentSchemaCreationTests
{
    [Fact]
    public async Task Six_nodes_creating_the_schema_at_once_on_an_empty_database_all_succeed()
    {
        var server = Environment.GetEnvironmentVariable(StorageDatabase.PostgresVariable);
        Assert.False(string.IsNullOrWhiteSpace(server), $"{StorageDatabase.PostgresVariable} must name the test PostgreSQL server");
        var name = "orch_sc_" + Guid.NewGuid().ToString("N")[..12];
        await using (var conn = new NpgsqlConnection(server))
        {
            await conn.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", conn);
            await create.ExecuteNonQueryAsync();
        }
        var cs = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
        var dialects = Enumerable.Range(0, 6).Select(_ => new PostgresDialect(cs)).ToList();
        try
        {
            await Task.WhenAll(dialects.Select(d => Task.Run(() => new DatabaseInitializer(d).EnsureCreatedAsync())));
            await using var check = new NpgsqlConnection(cs);
            await check.OpenAsync();
            await using var count = new NpgsqlCommand("SELECT COUNT(*) FROM information_schema.tables WHERE table_name LIKE 'orch_%'", check);
            Assert.True((long)(await count.ExecuteScalarAsync())! >= 8);
        }
        finally
        {
            foreach (var d in dialects) d.Dispose();
            NpgsqlConnection.ClearAllPools();
            await using var conn = new NpgsqlConnection(server);
            await conn.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", conn);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
