using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orchestrator.Storage.Database;

namespace Orchestrator.Node.Hosting;

/// <summary>Readiness: the database that holds the journal and every record answers a query.</summary>
public sealed class DatabaseHealthCheck(SqlDialect dialect) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = dialect.CreateConnection();
            await connection.OpenAsync(cancellationToken);
            await using var command = dialect.Command(connection, "SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy($"{dialect.Name} reachable");
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"{dialect.Name} unreachable: {ex.GetType().Name}");
        }
    }
}
