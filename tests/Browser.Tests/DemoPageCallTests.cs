using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Orchestrator.Messages;
using Orchestrator.Messages.Agents;
using Orchestrator.Messages.Integrations;
using Orchestrator.Node.Tests.Infrastructure;
using Orchestrator.Storage.Agents;
using Orchestrator.Storage.Integrations;

namespace Orchestrator.Browser.Tests;

/// <summary>
/// A person's web call, end to end: Chromium opens the node's demo page, presses Call, speaks
/// through a fake microphone (espeak-ng), and hears the agent; the node recognises the speech and
/// stores the result.
/// </summary>
public sealed class DemoPageCallTests(ITestOutputHelper output)
{
    private static async Task<(TestNode Node, string Token)> StartNodeAsync(TestDatabase database)
    {
        var node = await TestNode.StartAsync(database, new Dictionary<string, string?>
        {
            ["Orchestrator:Voice:ConsentTimeout"] = "00:00:05",
            ["Orchestrator:Conversations:ResumeGracePeriod"] = "00:01:00",
        });
        var path = Path.Combine(AppContext.BaseDirectory, "Demo", "demo-agent.json");
        var agent = await node.Services.GetRequiredService<IAgentStore>().CreateAsync(
            JsonSerializer.Deserialize<Agent>(File.ReadAllText(path), JsonDefaults.Options)!);
        var integrations = node.Services.GetRequiredService<IWebIntegrationStore>();
        var integration = await integrations.CreateAsync(new WebIntegration
        {
            Name = "demo-page", AgentId = agent.AgentId, Origins = ["*"], Tools = ["book_table"],
            Features =
            [
                new(IntegrationFeatures.AllowWebCall, true), new(IntegrationFeatures.AllowWebChat, true),
                new(IntegrationFeatures.SendCallResult, true), new(IntegrationFeatures.SendToolCallLogs, true),
            ],
        });
        return (node, (await integrations.CreateTokenAsync(integration.Id, "page", null))!.Token);
    }

    private static async Task<(long Packets, double Energy)> InboundAudioAsync(IPage page)
    {
        var stats = await page.EvaluateAsync<JsonElement>("""
        async () => {
          let packets = 0, energy = 0;
          if (typeof peer !== "undefined" && peer) {
            (await peer.getStats()).forEach(r => {
              if (r.type === "inbound-rtp" && r.kind === "audio") { packets = r.packetsReceived; energy = r.totalAudioEnergy || 0; }
            });
          }
          return { packets, energy };
        }
        """);
        return (stats.GetProperty("packets").GetInt64(), stats.GetProperty("energy").GetDouble());
    }

    private static async Task<string> ConversationIdAsync(IPage page)
    {
        var status = page.Locator("#status");
        await Assertions.Expect(status).ToContainTextAsync("Conversation ", new() { Timeout = 15_000 });
        return (await status.TextContentAsync())!.Replace("Conversation ", "").Trim();
    }

    [Fact]
    public async Task A_person_calls_from_the_demo_page_speaks_hears_the_agent_and_the_result_is_stored()
    {
        using var database = TestDatabase.Sqlite();
        var (node, token) = await StartNodeAsync(database);
        await using var _ = node;
        await using var browser = await ChromiumBrowser.LaunchAsync();
        var page = browser.Page;

        await page.GotoAsync(new Uri(node.BaseAddress, "/?token=" + Uri.EscapeDataString(token)).ToString());
        await page.ClickAsync("#call");
        var id = await ConversationIdAsync(page);
        await Assertions.Expect(page.Locator("#lines li.system", new() { HasText = "Conversation opened." }))
            .ToBeVisibleAsync(new() { Timeout = 20_000 });

        // The server recognised the fake microphone's speech: a final user line in the transcript.
        await Assertions.Expect(page.Locator("#lines li.user:not(.potential)").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        var heard = await page.Locator("#lines li.user:not(.potential)").First.TextContentAsync();
        output.WriteLine($"recognised: {heard}");

        // The browser hears the agent: packets with audio energy.
        var audio = (Packets: 0L, Energy: 0.0);
        for (var i = 0; i < 50; i++)
        {
            audio = await InboundAudioAsync(page);
            if (audio.Packets > 50 && audio.Energy > 0) break;
            await Task.Delay(200);
        }
        output.WriteLine($"inbound audio: {audio}; console: {string.Join(" | ", browser.Console)}");
        Assert.True(audio.Packets > 50, audio.ToString());
        Assert.True(audio.Energy > 0, audio.ToString());

        await page.ClickAsync("#hangup");
        await Assertions.Expect(page.Locator("#lines li.system", new() { HasText = "Closed: user_terminated" }))
            .ToBeVisibleAsync(new() { Timeout = 10_000 });

        using var http = node.CreateClient();
        var result = await http.GetFromJsonAsync<JsonObject>($"/api/v1/callresults/{id}");
        Assert.Equal(("webCall", "user_terminated"), (result!["callType"]!.GetValue<string>(), result["finishReason"]!.GetValue<string>()));
        var transcript = result["transcription"]!.AsArray();
        Assert.Contains(transcript, t => t!["speaker"]!.GetValue<string>() == "user" && t["text"]!.GetValue<string>().Length > 0);
        Assert.Contains(transcript, t => t!["speaker"]!.GetValue<string>() == "assistant");
    }

    [Fact]
    public async Task A_browser_that_vanishes_mid_call_ends_it_with_connection_lost_and_a_stored_result()
    {
        using var database = TestDatabase.Sqlite();
        var (node, token) = await StartNodeAsync(database);
        await using var _ = node;
        var browser = await ChromiumBrowser.LaunchAsync();
        var page = browser.Page;
        await page.GotoAsync(new Uri(node.BaseAddress, "/?token=" + Uri.EscapeDataString(token)).ToString());
        await page.ClickAsync("#call");
        var id = await ConversationIdAsync(page);
        await Assertions.Expect(page.Locator("#lines li.system", new() { HasText = "Conversation opened." }))
            .ToBeVisibleAsync(new() { Timeout = 20_000 });

        await browser.DisposeAsync(); // the tab, its socket and its media are gone at once

        var result = await node.WaitForResultAsync(id, TimeSpan.FromSeconds(20));
        Assert.Contains(result["finishReason"]!.GetValue<string>(), new[] { "connection_lost", "user_hangup" });
        Assert.Equal("webCall", result["callType"]!.GetValue<string>());
    }
}
