using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Orchestrator.Messages;
using Orchestrator.Messages.Agents;
using Orchestrator.Messages.Integrations;
using Orchestrator.Node.Hosting;
using Orchestrator.Storage.Agents;
using Orchestrator.Storage.Integrations;

namespace LlmLatency;

/// <summary>
/// The real node in this process, as production builds it (<see cref="NodeHost.Build"/>), on a
/// throwaway SQLite file with the journal on, with one LLM agent on the bench's model server and a
/// token allowed to chat and to call. As in ChatLoad, every client is 127.0.0.1 on one token, so the
/// abuse limits that exist to stop exactly that are lifted.
/// </summary>
public sealed class BenchNode : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _dir;

    private BenchNode(WebApplication app, string dir, Uri uri)
    {
        _app = app;
        _dir = dir;
        WebSocketUri = uri;
    }

    public Uri WebSocketUri { get; }

    public static async Task<BenchNode> StartAsync(string modelEndpoint, int endOfTurnSilenceMs, bool ttsCache)
    {
        var dir = Path.Combine(Path.GetTempPath(), "llmlatency-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        var app = NodeHost.Build(["--environment", "Production", "--urls", "http://127.0.0.1:0"], b =>
        {
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Orchestrator:Storage:Provider"] = "sqlite",
                ["Orchestrator:Storage:ConnectionString"] = $"Data Source={Path.Combine(dir, "bench.db")}",
                ["Orchestrator:ApiKeys:0"] = "bench-" + Guid.NewGuid().ToString("N"),
                ["Orchestrator:SeedDemo"] = "false",
                // A model's replies differ turn by turn, so its sentences miss the synthesis cache; the bench's
                // reply is always the same, and would hit it (--tts-cache measures that case).
                ["Orchestrator:Speech:SynthesisCacheMegabytes"] = ttsCache ? "64" : "0",
                ["Logging:LogLevel:Default"] = "Warning",
                ["Logging:LogLevel:Akka"] = "Warning",
                ["Orchestrator:Limits:ClientRequestsPerSecond"] = "1000000",
                ["Orchestrator:Limits:ClientBurst"] = "1000000",
                ["Orchestrator:Limits:ClientConnectionsPerMinute"] = "1000000",
                ["Orchestrator:Limits:SocketMessageBurst"] = "1000000",
                ["Orchestrator:Limits:SocketMessagesPerSecond"] = "1000000",
            });
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        var agentJson = """
        {
          "name": "bench llm agent", "isEnabled": true,
          "additionalData": {"restaurant": "Trattoria Roma"},
          "config": {
            "primaryLanguage": "en-US",
            "llmConfig": {"vendor": "openai", "endpoint": "MODEL_ENDPOINT", "model": "bench-model", "apiKey": "sk-bench",
                          "prompt": "You book tables for {{additionalData.firstName}} at {{additionalData.restaurant}}."},
            "sttConfig": {"endOfTurnSilenceMs": END_OF_TURN_MS},
            "ttsConfig": {"voiceId": "en-us+f2"},
            "features": {"talkFirst": {"isEnabled": false}, "silenceManagement": {"isEnabled": false}}
          }
        }
        """.Replace("MODEL_ENDPOINT", modelEndpoint).Replace("END_OF_TURN_MS", endOfTurnSilenceMs.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var agent = await app.Services.GetRequiredService<IAgentStore>().CreateAsync(
            JsonSerializer.Deserialize<Agent>(agentJson, JsonDefaults.Options)!);
        var integrations = app.Services.GetRequiredService<IWebIntegrationStore>();
        var integration = await integrations.CreateAsync(new WebIntegration
        {
            Name = "llmlatency", AgentId = agent.AgentId, Enabled = true,
            Features = [new(IntegrationFeatures.AllowWebChat, true), new(IntegrationFeatures.AllowWebCall, true)],
            Tools = [],
            MaxConcurrentConversations = 1_000_000,
            MaxConversationsPerMinute = 1_000_000,
        });
        var token = (await integrations.CreateTokenAsync(integration.Id, "llmlatency", null))!.Token;
        var port = new Uri(address).Port;
        return new BenchNode(app, dir, new Uri($"ws://127.0.0.1:{port}/api/v1/ws/webCall?token={Uri.EscapeDataString(token)}"));
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try { await _app.StopAsync(cts.Token); } catch (OperationCanceledException) { Console.Error.WriteLine("  node stop timed out"); }
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
