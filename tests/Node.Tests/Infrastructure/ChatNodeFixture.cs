using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orchestrator.Messages;
using Orchestrator.Messages.Agents;
using Orchestrator.Messages.Integrations;
using Orchestrator.Messages.Telephony;
using Orchestrator.Storage.Agents;
using Orchestrator.Storage.Integrations;
using Orchestrator.Storage.Telephony;

namespace Orchestrator.Node.Tests.Infrastructure;

/// <summary>
/// One node for a test class, with the demo booking agent and helpers to mint integrations and
/// tokens. Short init and resume timeouts keep the timeout tests quick.
/// </summary>
public class ChatNodeFixture : IAsyncLifetime
{
    public TestNode Node { get; private set; } = null!;
    public Agent Agent { get; private set; } = null!;

    /// <summary>Every line the node logged, for tests that assert a warning is not written.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Logs { get; } = new();
    protected virtual TestDatabase CreateDatabase() => TestDatabase.Sqlite();

    public static readonly string[] AllFeatures =
    [
        IntegrationFeatures.AllowWebChat, IntegrationFeatures.SendCallResult, IntegrationFeatures.SendToolCallLogs,
    ];

    public async Task InitializeAsync()
    {
        Node = await TestNode.StartAsync(CreateDatabase(), Settings(), b => b.Logging.AddProvider(new LogCapture(Logs)));
        Agent = await CreateAgentAsync(DemoAgent());
    }

    /// <summary>The node's settings; a subclass adds its own (tight limits, say).</summary>
    protected virtual Dictionary<string, string?> Settings() => new()
    {
        ["Orchestrator:WebSocket:InitTimeout"] = "00:00:01",
        ["Orchestrator:Conversations:ResumeGracePeriod"] = "00:00:01.500",
    };

    public static Agent DemoAgent()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Demo", "demo-agent.json");
        return JsonSerializer.Deserialize<Agent>(File.ReadAllText(path), JsonDefaults.Options)!;
    }

    public Task<Agent> CreateAgentAsync(Agent agent) =>
        Node.Services.GetRequiredService<IAgentStore>().CreateAsync(agent);

    /// <summary>A web integration for <paramref name="agent"/> (the demo agent by default) and a fresh token.</summary>
    public async Task<string> TokenAsync(string[]? features = null, List<string>? origins = null, bool enabled = true,
        Agent? agent = null, DateTimeOffset? expiresAt = null, List<string>? clientTools = null)
    {
        var store = Node.Services.GetRequiredService<IWebIntegrationStore>();
        var target = agent ?? Agent;
        var integration = await store.CreateAsync(new WebIntegration
        {
            Name = "it-" + Guid.NewGuid().ToString("N")[..8],
            AgentId = target.AgentId,
            Enabled = enabled,
            Origins = origins ?? [],
            Features = [.. (features ?? AllFeatures).Select(f => new IntegrationFeature(f, true))],
            Tools = clientTools ?? [.. target.Config.Tools.Select(t => t.Name)],
        });
        var token = await store.CreateTokenAsync(integration.Id, "t", expiresAt);
        return token!.Token;
    }

    /// <summary>
    /// A trunk to the SIP peer at <paramref name="server"/> (host:port), the demo agent dialling through it
    /// (optionally ending at <paramref name="maxDurationSeconds"/>), and a token of that agent allowed to phone.
    /// </summary>
    public async Task<string> PhoneTokenAsync(string server, string transport = SipTrunkTransports.Udp,
        int ringTimeoutSeconds = 5, int? maxDurationSeconds = null)
    {
        var trunk = await Node.Services.GetRequiredService<ISipTrunkStore>().CreateAsync(new SipTrunk
        {
            Name = "peer-" + Guid.NewGuid().ToString("N")[..8], Server = server, Transport = transport,
        });
        var agent = DemoAgent();
        agent = await CreateAgentAsync(agent with
        {
            Config = agent.Config with
            {
                OutboundSipConfig = new System.Text.Json.Nodes.JsonObject { ["trunkId"] = trunk.Id, ["ringTimeoutSeconds"] = ringTimeoutSeconds },
                Features = maxDurationSeconds is int max
                    ? agent.Config.Features with { MaxDuration = new() { IsEnabled = true, MaxDurationSeconds = max } }
                    : agent.Config.Features,
            },
        });
        return await TokenAsync(agent: agent,
            features: [IntegrationFeatures.AllowPhoneCall, IntegrationFeatures.SendCallResult, IntegrationFeatures.SendToolCallLogs]);
    }

    public Task<ProtocolClient> ConnectAsync(string token, string? origin = null) =>
        ProtocolClient.ConnectAsync(Node.WebSocketUri("token=" + Uri.EscapeDataString(token)), origin);

    public async Task DisposeAsync()
    {
        if (Node is null) return; // the start failed; its error is what the tests report
        await Node.DisposeAsync();
        Node.Database.Dispose();
    }
}

/// <summary>The same node on PostgreSQL (ORCH_TEST_PG), for the core flow on the cluster's database.</summary>
public sealed class PostgresChatNodeFixture : ChatNodeFixture
{
    protected override TestDatabase CreateDatabase() => TestDatabase.Postgres();
}
