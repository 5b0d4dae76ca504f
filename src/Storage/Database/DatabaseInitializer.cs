using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Orchestrator.Storage.Database;

/// <summary>
/// Creates the storage schema idempotently. As a hosted service registered with the storage it
/// starts before Kestrel serves and before Akka (registered later) opens the journal, so the SQLite
/// folder, WAL mode and tables exist before the first request or journal write.
/// </summary>
public sealed class DatabaseInitializer(SqlDialect dialect, ILogger<DatabaseInitializer>? logger = null) : IHostedService
{
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        dialect.PrepareEnvironment();
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        foreach (var sql in dialect.PreparationStatements)
        {
            await using var command = dialect.Command(connection, sql);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        if (dialect.SchemaLockStatement is { } schemaLock)
        {
            // The lock is held until this transaction ends, so concurrent nodes create the schema one after another.
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var lockCommand = dialect.Command(connection, schemaLock, transaction))
                await lockCommand.ExecuteNonQueryAsync(cancellationToken);
            foreach (var sql in Schema.Statements(dialect))
            {
                await using var command = dialect.Command(connection, sql, transaction);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
        }
        else
        {
            foreach (var sql in Schema.Statements(dialect))
            {
                await using var command = dialect.Command(connection, sql);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        _logger.LogInformation("Storage schema ready on {Provider}", dialect.Name);
    }

    Task IHostedService.StartAsync(CancellationToken cancellationToken) => EnsureCreatedAsync(cancellationToken);
    Task IHostedService.StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
