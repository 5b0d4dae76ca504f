using System.Data.Common;
using Npgsql;

namespace Orchestrator.Storage.Database;

public sealed class PostgresDialect : SqlDialect, IDisposable
{
    private readonly NpgsqlDataSource _dataSource;

    public PostgresDialect(string connectionString)
    {
        _dataSource = NpgsqlDataSource.Create(connectionString);
    }

    // Nodes of a cluster start together on one database, and PostgreSQL's CREATE … IF NOT EXISTS
    // is not safe against a concurrent twin (a unique violation in pg_class): one creator at a time.
    public override string? SchemaLockStatement => "SELECT pg_advisory_xact_lock(7274001)";

    public override string Name => StorageProviders.Postgres;
    public override string BooleanType => "BOOLEAN";
    public override string DoubleType => "DOUBLE PRECISION";

    public override DbConnection CreateConnection() => _dataSource.CreateConnection();

    public override string JsonPropertyEquals(string documentColumn, string jsonPath, string keyParameter, string valueParameter)
    {
        var path = string.Join(" -> ", jsonPath.Split('.').Select(p => $"'{p}'"));
        return $"(CAST({documentColumn} AS jsonb) -> {path} ->> {keyParameter}) = {valueParameter}";
    }

    public override string Contains(string column, string parameter) => $"strpos({column}, {parameter}) > 0";

    public override bool IsUniqueViolation(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    public void Dispose() => _dataSource.Dispose();
}
