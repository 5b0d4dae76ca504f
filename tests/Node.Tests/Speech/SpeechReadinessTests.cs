using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Messages.Integrations;
using Orchestrator.Node.Tests.Infrastructure;
using Orchestrator.Storage.Agents;
using Orchestrator.Storage.Integrations;
using Orchestrator.Storage.Telephony;
using Orchestrator.Messages.Telephony;

namespace Orchestrator.Node.Tests.Speech;

/// <summary>Issue 14: a node says which speech engines it can use, and a voice call without them fails to open at once.</summary>
public sealed class SpeechReadinessTests
{
    private static async Task<JsonObject> SpeechCheckAsync(TestNode node)
    {
        using var http = node.CreateClient(authorized: false);
        var ready = await http.GetFromJsonAsync<JsonObject>("/readyz");
        return ready!["checks"]!["speech"]!.AsObject();
    }

    [Fact]
    public async Task A_node_with_its_engines_installed_reports_them_usable()
    {
        await using var node = await TestNode.StartAsync(TestDatabase.Sqlite());
        var speech = await SpeechCheckAsync(node);
        var description = speech["description"]!.GetValue<string>();
        Assert.Equal("Healthy", speech["status"]!.GetValue<string>());
        Assert.Contains("recognizer pocketsphinx: usable", description);
        Assert.Contains("synthesizer espeak: usable", description);
        Assert.Contains("codec opus: usable", description);
        node.Database.Dispose();
    }

    [Fact]
    public async Task Engines_that_cannot_load_are_named_in_readyz_and_a_web_call_fails_to_open_at_once_naming_the_packages()
    {
        var database = TestDatabase.Sqlite();
        await using var node = await TestNode.StartAsync(database, new Dictionary<string, string?>
        {
            ["Orchestrator:Speech:EspeakExecutable"] = "/nonexistent/espeak-ng",
            ["Orchestrator:Speech:PocketsphinxModelDirectory"] = "/nonexistent/pocketsphinx-model",
        });

        var speech = await SpeechCheckAsync(node);
        var description = speech["description"]!.GetValue<string>();
        Assert.Equal("Degraded", speech["status"]!.GetValue<string>());
        Assert.Contains("pocketsphinx model file not found: /nonexistent/pocketsphinx-model/en-us (Debian package pocketsphinx-en-us)", description);
        Assert.Contains("espeak-ng not found ('/nonexistent/espeak-ng'; install the Debian package espeak-ng)", description);

        var agent = await node.Services.GetRequiredService<IAgentStore>().CreateAsync(ChatNodeFixture.DemoAgent());
        var store = node.Services.GetRequiredService<IWebIntegrationStore>();
        var integration = await store.CreateAsync(new WebIntegration
        {
            Name = "speech-missing", AgentId = agent.AgentId, Enabled = true, Origins = [],
            Features = [new IntegrationFeature(IntegrationFeatures.AllowWebCall, true), new IntegrationFeature(IntegrationFeatures.SendCallResult, true)],
            Tools = [],
        });
        var token = (await store.CreateTokenAsync(integration.Id, "t", null))!.Token;

        await using var client = await ProtocolClient.ConnectAsync(node.WebSocketUri("token=" + Uri.EscapeDataString(token)));
        await client.InitializeAsync("webCall");
        var id = (await client.NextAsync("event", "connection"))["data"]!["conversationId"]!.GetValue<string>();
        // The failure comes at once (the greeting's text may come first): no SDP offer, no wait for
        // the 30 s answer timeout.
        JsonObject? next;
        var before = new List<string>();
        while ((next = await client.ReceiveAsync(TimeSpan.FromSeconds(10))) is not null
               && (next["type"]!.GetValue<string>(), next["name"]?.GetValue<string>()) != ("event", "failedOpen"))
            before.Add(next["type"]!.GetValue<string>());
        Assert.NotNull(next);
        Assert.DoesNotContain("sdpInvite", before);
        var reason = next["data"]!["reason"]!.GetValue<string>();
        Assert.StartsWith("Voice calls are not available on this node: ", reason);
        Assert.Contains("pocketsphinx-en-us", reason);
        Assert.Contains("espeak-ng", reason);
        Assert.DoesNotContain("   at ", reason); // a reason, not a stack trace

        var stored = await node.WaitForResultAsync(id);
        Assert.Equal(("webCall", "error"), (stored["callType"]!.GetValue<string>(), stored["finishReason"]!.GetValue<string>()));
        Assert.Equal(reason, stored["errorMessage"]!.GetValue<string>());

        // A phone call fails the same way before dialling (the trunk points at nothing that answers).
        var trunk = await node.Services.GetRequiredService<ISipTrunkStore>().CreateAsync(new SipTrunk { Name = "nowhere", Server = "127.0.0.1:9" });
        var phoneAgent = await node.Services.GetRequiredService<IAgentStore>().CreateAsync(agent with
        {
            AgentId = "", Name = "phone", Config = agent.Config with { OutboundSipConfig = new JsonObject { ["trunkId"] = trunk.Id } },
        });
        using var http = node.CreateClient();
        var placed = await http.PostAsJsonAsync($"/api/v1/calls?agentId={phoneAgent.AgentId}", new { endpoint = "4000" });
        Assert.True(placed.IsSuccessStatusCode, await placed.Content.ReadAsStringAsync());
        var callId = (await placed.Content.ReadFromJsonAsync<JsonObject>())!["callId"]!.GetValue<string>();
        // POST /calls queues: the call's row is its last attempt's result once the call has ended.
        var phone = await node.WaitForCallEndAsync(callId);
        Assert.Equal("Failed", phone["status"]!.GetValue<string>());
        Assert.Equal(("onPhone", "error", reason), (phone["callType"]!.GetValue<string>(), phone["finishReason"]!.GetValue<string>(),
            phone["errorMessage"]!.GetValue<string>()));
        database.Dispose();
    }

    [Fact]
    public async Task A_recognizer_bound_out_of_range_stops_the_node_at_start_up_with_the_setting_named()
    {
        using var database = TestDatabase.Sqlite();
        var e = await Assert.ThrowsAnyAsync<Exception>(() => TestNode.StartAsync(database, new Dictionary<string, string?>
        {
            ["Orchestrator:Speech:MaxRecognizers"] = "0",
        }));
        Assert.Contains("Orchestrator:Speech:MaxRecognizers must be between 1 and 1024", e.Message);
    }
}

/// <summary>Issue 9: with per-agent vendors, an engine only some agents need does not make the node unready.</summary>
public sealed class SpeechVendorReadinessTests
{
    [Fact]
    public async Task A_node_on_openai_without_pocketsphinx_is_healthy_names_what_is_missing_and_fails_only_pocketsphinx_calls_at_once()
    {
        using var database = TestDatabase.Sqlite();
        await using var node = await TestNode.StartAsync(database, new Dictionary<string, string?>
        {
            ["Orchestrator:Voice:Recognizer"] = "openai",
            ["Orchestrator:Voice:OpenAiBaseAddress"] = "http://127.0.0.1:9/v1",
            ["Orchestrator:Speech:PocketsphinxModelDirectory"] = "/nonexistent/pocketsphinx-model",
        });

        using var anonymous = node.CreateClient(authorized: false);
        var speech = (await anonymous.GetFromJsonAsync<JsonObject>("/readyz"))!["checks"]!["speech"]!.AsObject();
        var description = speech["description"]!.GetValue<string>();
        Assert.Equal("Healthy", speech["status"]!.GetValue<string>());
        Assert.Contains("recognizer pocketsphinx: pocketsphinx model file not found: /nonexistent/pocketsphinx-model/en-us (Debian package pocketsphinx-en-us)",
            description);
        Assert.Contains("recognizer openai: usable with the node's endpoint or the agent's (default)", description);
        Assert.Contains("synthesizer espeak: usable (default)", description);

        // An agent that names pocketsphinx is accepted (another node may have it) but its call fails to open at once, saying why.
        var demo = ChatNodeFixture.DemoAgent();
        var agent = await node.Services.GetRequiredService<IAgentStore>().CreateAsync(demo with
        {
            AgentId = "", Config = demo.Config with { SttConfig = new JsonObject { ["vendor"] = "pocketsphinx" } },
        });
        var store = node.Services.GetRequiredService<IWebIntegrationStore>();
        var integration = await store.CreateAsync(new WebIntegration
        {
            Name = "pocketsphinx-agent", AgentId = agent.AgentId, Enabled = true, Origins = [],
            Features = [new IntegrationFeature(IntegrationFeatures.AllowWebCall, true)], Tools = [],
        });
        var token = (await store.CreateTokenAsync(integration.Id, "t", null))!.Token;
        await using var client = await ProtocolClient.ConnectAsync(node.WebSocketUri("token=" + Uri.EscapeDataString(token)));
        await client.InitializeAsync("webCall");
        var failed = await client.ExpectAsync("event", "failedOpen", TimeSpan.FromSeconds(10));
        Assert.Equal("Voice calls are not available on this node: pocketsphinx model file not found: /nonexistent/pocketsphinx-model/en-us "
            + "(Debian package pocketsphinx-en-us)", failed["data"]!["reason"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("localhost:8000/v1", null, "Orchestrator:Voice:OpenAiBaseAddress must be an http(s) URL such as https://api.openai.com/v1")]
    [InlineData(null, "openai", "Orchestrator:Voice:OpenAiBaseAddress is required when Recognizer or Synthesizer is openai")]
    public async Task A_node_openai_endpoint_that_cannot_be_used_stops_the_node_at_start_up(string? address, string? synthesizer, string message)
    {
        using var database = TestDatabase.Sqlite();
        var e = await Assert.ThrowsAnyAsync<Exception>(() => TestNode.StartAsync(database, new Dictionary<string, string?>
        {
            ["Orchestrator:Voice:OpenAiBaseAddress"] = address,
            ["Orchestrator:Voice:Synthesizer"] = synthesizer ?? "espeak",
        }));
        Assert.Contains(message, e.Message);
    }
}
