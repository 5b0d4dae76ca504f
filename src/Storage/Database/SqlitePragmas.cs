using System.Data.Common;

namespace Orchestrator.Storage.Database;

/// <summary>
/// Per-connection SQLite settings for every connection to our files, the journal's included.
/// synchronous=NORMAL: in WAL mode a commit is durable against a process crash and needs no fsync
/// of its own (a power loss may lose the last commits; use PostgreSQL where that matters).
/// busy_timeout: SQLite waits for the write lock itself, in short steps, instead of returning
/// SQLITE_BUSY to the provider, whose retry sleeps a whole 150 ms.
/// </summary>
public static class SqlitePragmas
{
    public const string Statements = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;";

    public static void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Statements;
        command.ExecuteNonQuery();
    }

    public static async Task ApplyAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Statements;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
