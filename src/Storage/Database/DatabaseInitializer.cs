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
        foreach (var sql in dialect.PreparationStatements.Concat(Schema.Statements(dialect)))
        {
            await using var command = dialect.Command(connection, sql);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        _logger.LogInformation("Storage schema ready on {Provider}", dialect.Name);
    }

    Task IHostedService.StartAsync(CancellationToken cancellationToken) => EnsureCreatedAsync(cancellationToken);
    Task IHostedService.StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
