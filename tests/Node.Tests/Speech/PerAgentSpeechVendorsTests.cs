using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orchestrator.Actors.Tests.Voice;
using Orchestrator.Messages;
using Orchestrator.Messages.Agents;
using Orchestrator.Messages.Integrations;
using Orchestrator.Node.Tests.Api;
using Orchestrator.Node.Tests.Infrastructure;
using Orchestrator.Speech.Vendors;
using Orchestrator.Storage.Integrations;
using Xunit.Abstractions;

namespace Orchestrator.Node.Tests.Speech;

/// <summary>
/// Issue 9, end to end: one node, two agents. Web calls through a simulated browser (real WebRTC,
/// real voice session) show the openai agent's engines talking to a local OpenAI-compatible audio
/// server with its model, voice and speed (and the user turn coming back from that server's
/// transcript), while the other agent on the same node keeps espeak-ng and pocketsphinx.
/// </summary>
public sealed class PerAgentSpeechVendorsTests(ITestOutputHelper output)
{
    private const string Heard = "I would like to book a table";

    private static async Task<string> TokenAsync(TestNode node, string agentId)
    {
        var store = node.Services.GetRequiredService<IWebIntegrationStore>();
        var integration = await store.CreateAsync(new WebIntegration
        {
            Name = "voice-" + agentId, AgentId = agentId, Enabled = true, Origins = [],
            Features = [new IntegrationFeature(IntegrationFeatures.AllowWebCall, true), new IntegrationFeature(IntegrationFeatures.SendCallResult, true)],
            Tools = [],
        });
        return (await store.CreateTokenAsync(integration.Id, "t", null))!.Token;
    }

    /// <summary>Opens a web call to the agent and connects the browser; the conversation's id.</summary>
    private static async Task<(ProtocolClient Client, SimulatedBrowser Browser, string Id)> CallAsync(TestNode node, string agentId)
    {
        var client = await ProtocolClient.ConnectAsync(node.WebSocketUri("token=" + Uri.EscapeDataString(await TokenAsync(node, agentId))));
        await client.InitializeAsync("webCall");
        var id = (await client.ExpectAsync("event", "connection"))["data"]!["conversationId"]!.GetValue<string>();
        var offer = (await client.ExpectAsync("sdpInvite", wait: ProtocolClient.StartWait))["data"]!["sdpOffer"]!.GetValue<string>();
        var browser = new SimulatedBrowser();
        await client.SendAsync(new JsonObject { ["type"] = "sdpAnswer", ["data"] = new JsonObject { ["sdpAnswer"] = browser.Answer(offer) } });
        await browser.ConnectAsync(TimeSpan.FromSeconds(10));
        await client.ExpectAsync("event", "opened", ProtocolClient.StartWait);
        return (client, browser, id);
    }

    private static async Task<string> NextUserTextAsync(ProtocolClient client, TimeSpan wait)
    {
        while (true)
        {
            var frame = await client.ExpectAsync("text", wait: wait);
            var content = frame["content"]!;
            if ((string?)content["source"] == "user" && (string?)content["type"] is null or "final") return (string)content["text"]!;
        }
    }

    private static async Task HangUpAsync(ProtocolClient client)
    {
        await client.TerminateAsync();
        await client.ExpectAsync("event", "closed", ProtocolClient.StartWait);
    }

    [Fact]
    public async Task An_openai_agent_uses_its_model_voice_and_endpoint_while_another_agent_on_the_node_keeps_espeak_and_pocketsphinx()
    {
        await using var audio = await FakeOpenAiAudioServer.StartAsync(Heard);
        using var database = TestDatabase.Sqlite();
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var node = await TestNode.StartAsync(database, new Dictionary<string, string?>
        {
            // The node's default openai server (used by the agent's ttsConfig, which names none)...
            ["Orchestrator:Voice:OpenAiBaseAddress"] = audio.BaseAddress.ToString(),
            ["Orchestrator:Voice:OpenAiApiKey"] = "node-speech-key",
            // ...and no pocketsphinx loaded ahead: that it is loaded at all shows which call used it.
            ["Orchestrator:Voice:PrewarmDecoders"] = "0",
        }, b => b.Logging.AddProvider(new LogCapture(lines)));
        using var http = node.CreateClient();
        var registry = node.Services.GetRequiredService<SpeechEngineRegistry>();

        var demo = JsonSerializer.SerializeToNode(ChatNodeFixture.DemoAgent(), JsonDefaults.Options)!.AsObject();
        demo.Remove("agentId");
        var remote = demo.DeepClone().AsObject();
        remote["name"] = "openai voice";
        remote["config"]!["sttConfig"] = new JsonObject
        {
            ["vendor"] = "openai", ["model"] = "whisper-agent", ["endpoint"] = audio.BaseAddress.ToString(), ["apiKey"] = "agent-stt-key",
            ["endOfTurnSilenceMs"] = 500,
        };
        remote["config"]!["ttsConfig"] = new JsonObject { ["vendor"] = "openai", ["model"] = "tts-agent", ["voiceId"] = "shimmer", ["speed"] = 1.25 };
        var remoteId = (string)(await http.CreateAgentAsync(remote))["agentId"]!;
        var embedded = demo.DeepClone().AsObject();
        embedded["name"] = "embedded voice";
        var embeddedId = (string)(await http.CreateAgentAsync(embedded))["agentId"]!;

        // The openai agent: its greeting is synthesised by the audio server with the agent's model, voice and speed.
        var (client, browser, id) = await CallAsync(node, remoteId);
        await using (client)
        await using (browser)
        {
            await browser.WaitForLoudAudioAsync(TimeSpan.FromSeconds(10));
            var greeting = Assert.Single(audio.Speech);
            Assert.Equal(("Bearer node-speech-key", "tts-agent", "shimmer", 1.25), (greeting.Authorization, greeting.Model, greeting.Voice, greeting.Speed));
            Assert.StartsWith("Hello there, welcome to Trattoria Roma!", greeting.Input);

            // The caller speaks once the greeting has played; the utterance goes to the agent's own endpoint and key.
            var quietSince = DateTime.UtcNow;
            while (browser.LastLoudPacketAt() is { } last && browser.NowMs - last < 500 && DateTime.UtcNow - quietSince < TimeSpan.FromSeconds(10))
                await Task.Delay(50);
            browser.Say(Tone(1200));
            Assert.Equal(Heard, await NextUserTextAsync(client, TimeSpan.FromSeconds(15)));
            var transcription = Assert.Single(audio.Transcriptions);
            Assert.Equal(("Bearer agent-stt-key", "whisper-agent"), (transcription.Authorization, transcription.Model));
            Assert.True(transcription.AudioBytes > 16_000, $"{transcription.AudioBytes} bytes of utterance uploaded");

            // The scripted agent answers the booking intent; its reply is spoken by the audio server too.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (audio.Speech.Count() < 2 && DateTime.UtcNow < deadline) await Task.Delay(50);
            Assert.Equal("For how many people?", audio.Speech.ElementAt(1).Input);
            await HangUpAsync(client);
        }
        var result = await node.WaitForResultAsync(id);
        Assert.Contains(result["transcription"]!.AsArray(), t => (string?)t!["speaker"] == "user" && (string?)t["text"] == Heard);
        Assert.False(registry.Pocketsphinx.IsCreated, "the openai agent's call loaded pocketsphinx");

        // The embedded agent on the same node: espeak-ng speaks (the audio server is not asked) and pocketsphinx listens.
        var requestsBefore = audio.Requests.Count;
        var (client2, browser2, id2) = await CallAsync(node, embeddedId);
        await using (client2)
        await using (browser2)
        {
            await browser2.WaitForLoudAudioAsync(TimeSpan.FromSeconds(15));
            Assert.True(registry.Pocketsphinx.IsCreated, "the embedded agent's call did not use pocketsphinx");
            await HangUpAsync(client2);
        }
        var result2 = await node.WaitForResultAsync(id2);
        Assert.Equal("user_terminated", (string?)result2["finishReason"]);
        Assert.Equal(requestsBefore, audio.Requests.Count);
        output.WriteLine(string.Join(Environment.NewLine, audio.Requests));

        // The speech servers' requests were logged (the HTTP client logs each one); their keys were not.
        Assert.Contains(lines, l => l.Contains(audio.BaseAddress.Authority + "/v1/audio/transcriptions", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("agent-stt-key", StringComparison.Ordinal) || l.Contains("node-speech-key", StringComparison.Ordinal));
    }

    /// <summary>A loud vowel-like tone the energy detector takes for speech.</summary>
    private static short[] Tone(int ms) =>
        Enumerable.Range(0, ms * 16).Select(i => (short)(5000 * Math.Sin(2 * Math.PI * 220 * i / 16000.0))).ToArray();
}
