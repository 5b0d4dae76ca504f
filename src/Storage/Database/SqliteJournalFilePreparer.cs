using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Orchestrator.Storage.Database;

/// <summary>
/// On SQLite the journal has a file of its own: make its folder and put it in WAL mode before the
/// actor system (started after the storage) opens it. WAL lets recoveries read while the journal writes.
/// </summary>
public sealed class SqliteJournalFilePreparer(IOptions<StorageOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var storage = options.Value;
        if (storage.IsPostgres) return;
        var dialect = new SqliteDialect(storage.EffectiveJournalConnectionString);
        dialect.PrepareEnvironment();
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        foreach (var sql in dialect.PreparationStatements)
        {
            await using var command = dialect.Command(connection, sql);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
