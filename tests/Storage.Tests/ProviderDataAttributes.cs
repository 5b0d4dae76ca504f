using System.Reflection;
using Xunit.Sdk;

namespace Orchestrator.Storage.Tests;

/// <summary>The SQLite case of a storage theory.</summary>
public sealed class SqliteCaseAttribute : DataAttribute
{
    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [[StorageProviders.Sqlite]];
}

/// <summary>
/// The PostgreSQL case of a storage theory. Without ORCH_TEST_PG it is skipped locally, but under
/// CI=true it runs and fails with a clear message, so CI cannot silently lose PostgreSQL coverage.
/// </summary>
public sealed class PostgresCaseAttribute : DataAttribute
{
    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [[StorageProviders.Postgres]];

    public override string? Skip
    {
        get => HasServer || IsCi ? null : $"{StorageDatabase.PostgresVariable} is not set (PostgreSQL cases run when it is, and must in CI)";
        set { }
    }

    private static bool HasServer => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(StorageDatabase.PostgresVariable));
    private static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
}
