namespace Orchestrator.Cluster.Tests.Infrastructure;

/// <summary>The environment every test node gets: its database, an API key, no demo seeding.</summary>
public static class NodeSettings
{
    public const string ApiKey = "cluster-test-api-key-0123456789";

    public static Dictionary<string, string> For(TestDatabase database) => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Testing",
        ["Orchestrator__Storage__Provider"] = database.Provider,
        ["Orchestrator__Storage__ConnectionString"] = database.ConnectionString,
        ["Orchestrator__ApiKeys__0"] = ApiKey,
        ["Orchestrator__SeedDemo"] = "false",
        ["Logging__LogLevel__Akka"] = "Information",
    };

    public static HttpClient Client(Uri baseAddress) => new()
    {
        BaseAddress = baseAddress,
        DefaultRequestHeaders = { Authorization = new("Bearer", ApiKey) },
        Timeout = TimeSpan.FromSeconds(10),
    };
}
