using System.Diagnostics;
using System.Text.Json;
using Akka.Actor;
using Akka.Persistence;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Orchestrator.Messages;
using Orchestrator.Messages.Agents;
using Orchestrator.Messages.Integrations;
using Orchestrator.Node.Hosting;
using Orchestrator.Storage.Agents;
using Orchestrator.Storage.Integrations;

namespace ChatLoad;

/// <summary>
/// The real node, in this process, exactly as production builds it (NodeHost.Build), on a
/// throwaway SQLite file with the journal on, plus the demo booking agent and a chat token.
/// </summary>
public sealed class NodeUnderTest : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _dir;
    public Uri WebSocketUri { get; }
    public ActorSystem System { get; }
    public string DatabasePath { get; }

    private readonly (string Server, string Name)? _postgres;

    private NodeUnderTest(WebApplication app, string dir, Uri uri, string dbPath, (string Server, string Name)? postgres)
    {
        _app = app; _dir = dir; WebSocketUri = uri; DatabasePath = dbPath; _postgres = postgres;
        System = app.Services.GetRequiredService<ActorSystem>();
    }

    /// <param name="postgresServer">A PostgreSQL server to create a throwaway database on; null: a SQLite file.</param>
    public static async Task<NodeUnderTest> StartAsync(string? postgresServer = null)
    {
        var dir = Path.Combine(Path.GetTempPath(), "chatload-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        var dbPath = Path.Combine(dir, "bench.db");
        (string Server, string Name)? postgres = null;
        var provider = "sqlite";
        var connectionString = $"Data Source={dbPath}";
        if (postgresServer is not null)
        {
            var name = "chatload_" + Guid.NewGuid().ToString("N")[..12];
            await using (var conn = new Npgsql.NpgsqlConnection(postgresServer))
            {
                await conn.OpenAsync();
                await using var cmd = new Npgsql.NpgsqlCommand($"CREATE DATABASE {name}", conn);
                await cmd.ExecuteNonQueryAsync();
            }
            postgres = (postgresServer, name);
            provider = "postgresql";
            connectionString = new Npgsql.NpgsqlConnectionStringBuilder(postgresServer) { Database = name, MaxPoolSize = 50 }.ConnectionString;
            dbPath = "postgresql database " + name;
        }
        var apiKey = "bench-" + Guid.NewGuid().ToString("N");
        var app = NodeHost.Build(["--environment", "Production", "--urls", "http://127.0.0.1:0"], b =>
        {
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Orchestrator:Storage:Provider"] = provider,
                ["Orchestrator:Storage:ConnectionString"] = connectionString,
                ["Orchestrator:ApiKeys:0"] = apiKey,
                ["Orchestrator:SeedDemo"] = "false",
                ["Logging:LogLevel:Default"] = "Warning",
                ["Logging:LogLevel:Akka"] = "Warning",
                // Every client is 127.0.0.1 and saturation re-sends at once: lift the per-address and
                // per-socket abuse limits, which exist to stop exactly this shape of traffic.
                ["Orchestrator:Limits:ClientRequestsPerSecond"] = "1000000",
                ["Orchestrator:Limits:ClientBurst"] = "1000000",
                ["Orchestrator:Limits:ClientConnectionsPerMinute"] = "1000000",
                ["Orchestrator:Limits:SocketMessageBurst"] = "1000000",
                ["Orchestrator:Limits:SocketMessagesPerSecond"] = "1000000",
            });
            b.WebHost.ConfigureKestrel(k =>
            {
                k.Limits.MaxConcurrentConnections = null;
                k.Limits.MaxConcurrentUpgradedConnections = null;
            });
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address).Port;

        var agentPath = Path.Combine(AppContext.BaseDirectory, "Demo", "demo-agent.json");
        var agent = JsonSerializer.Deserialize<Agent>(File.ReadAllText(agentPath), JsonDefaults.Options)!;
        agent = await app.Services.GetRequiredService<IAgentStore>().CreateAsync(agent);
        var integrations = app.Services.GetRequiredService<IWebIntegrationStore>();
        var integration = await integrations.CreateAsync(new WebIntegration
        {
            Name = "chatload",
            AgentId = agent.AgentId,
            Enabled = true,
            Features = [new IntegrationFeature(IntegrationFeatures.AllowWebChat, true)],
            Tools = [.. agent.Config.Tools.Select(t => t.Name)],
            // One token opens every conversation: lift its caps (defaults 100 at once, 60 a minute).
            MaxConcurrentConversations = 1_000_000,
            MaxConversationsPerMinute = 1_000_000,
        });
        var token = (await integrations.CreateTokenAsync(integration.Id, "chatload", null))!.Token;
        var uri = new Uri($"ws://127.0.0.1:{port}/api/v1/ws/webCall?token={Uri.EscapeDataString(token)}");
        return new NodeUnderTest(app, dir, uri, dbPath, postgres);
    }

    /// <summary>A persistent actor on the node's own journal that times one small Persist every interval.</summary>
    public IActorRef StartJournalProbe(JournalProbe.Samples samples, TimeSpan interval) =>
        System.ActorOf(Props.Create(() => new JournalProbe(samples, interval)), "chatload-journal-probe");

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try { await _app.StopAsync(cts.Token); } catch (OperationCanceledException) { Console.Error.WriteLine("  node stop timed out"); }
        try { await _app.DisposeAsync(); } catch (Exception ex) { Console.Error.WriteLine("  node dispose: " + ex.Message); }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
        if (_postgres is { } pg)
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            try
            {
                await using var conn = new Npgsql.NpgsqlConnection(pg.Server);
                await conn.OpenAsync();
                await using var cmd = new Npgsql.NpgsqlCommand($"DROP DATABASE IF EXISTS {pg.Name} WITH (FORCE)", conn);
                await cmd.ExecuteNonQueryAsync();
            }
            catch (Npgsql.NpgsqlException ex) { Console.Error.WriteLine("  dropping the bench database: " + ex.Message); }
        }
    }
}

/// <summary>Times Persist → handler on the node's journal, i.e. what one conversation event waits for.</summary>
public sealed class JournalProbe : ReceivePersistentActor, IWithTimers
{
    public sealed class Samples
    {
        private readonly object _lock = new();
        private readonly List<(long At, double Ms)> _all = [];
        public void Add(long at, double ms) { lock (_lock) _all.Add((at, ms)); }
        public double[] Between(long from, long to)
        {
            lock (_lock) return [.. _all.Where(s => s.At >= from && s.At < to).Select(s => s.Ms).Order()];
        }
    }

    private sealed record Tick;
    private readonly string _id = "chatload-probe-" + Guid.NewGuid().ToString("N");
    public override string PersistenceId => _id;
    public ITimerScheduler Timers { get; set; } = null!;

    public JournalProbe(Samples samples, TimeSpan interval)
    {
        Command<Tick>(_ =>
        {
            var start = Stopwatch.GetTimestamp();
            Persist("p", _ =>
            {
                samples.Add(start, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                Timers.StartSingleTimer("tick", new Tick(), interval);
            });
        });
        Recover<string>(_ => { });
        Self.Tell(new Tick());
    }
}
