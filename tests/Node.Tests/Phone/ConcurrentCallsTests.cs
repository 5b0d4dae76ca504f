using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Media.Tests.Sip;
using Orchestrator.Messages.Telephony;
using Orchestrator.Node.Tests.Infrastructure;
using Orchestrator.Speech.Recognition;
using Orchestrator.Speech.Recognition.Pocketsphinx;
using Orchestrator.Storage.Telephony;
using Xunit.Abstractions;

namespace Orchestrator.Node.Tests.Phone;

/// <summary>
/// Issue 12: many phone calls starting at once used to create pocketsphinx decoders concurrently and
/// abort the node. Two rounds of 50 calls placed at once against SIPp's uas (which echoes our audio
/// back, so every call is recognising speech) must each end with a stored result, on a node that is
/// still ready and holds no decoder afterwards. The node's recognizer bound is below 50, so the calls
/// beyond it go on without recognition instead of loading models without bound.
/// </summary>
[Collection(Burst)]
public sealed class ConcurrentCallsTests(ITestOutputHelper output)
{
    /// <summary>100 calls on 2 cores: run alone, not beside the other test classes.</summary>
    public const string Burst = "call burst (runs alone)";

    private const int Calls = 50;
    private const int MaxRecognizers = 8;

    [Fact]
    public async Task Fifty_calls_started_at_once_twice_all_end_with_a_stored_result_and_the_node_stays_ready()
    {
        using var database = TestDatabase.Sqlite();
        await using var node = await TestNode.StartAsync(database, new Dictionary<string, string?>
        {
            ["Orchestrator:Speech:MaxRecognizers"] = MaxRecognizers.ToString(),
            // Fifty calls followed at once, each polled ten times a second: more than one key's default REST rate.
            ["Orchestrator:Limits:ApiKeyRequestsPerSecond"] = "2000",
            ["Orchestrator:Limits:ApiKeyBurst"] = "2000",
            ["Orchestrator:Limits:ClientRequestsPerSecond"] = "2000",
            ["Orchestrator:Limits:ClientBurst"] = "2000",
        });
        using var http = node.CreateClient();

        for (int round = 0; round < 2; round++)
        {
            await using var sipp = await SippProcess.StartAsync("uas", extra: $"-rtp_echo -m {Calls} -timeout 120s");
            var trunk = await node.Services.GetRequiredService<ISipTrunkStore>().CreateAsync(new SipTrunk
            {
                Name = $"burst-{round}-" + Guid.NewGuid().ToString("N")[..6], Server = $"127.0.0.1:{sipp.Port}", Transport = SipTrunkTransports.Udp,
            });
            var demo = ChatNodeFixture.DemoAgent();
            var agent = await node.Services.GetRequiredService<Orchestrator.Storage.Agents.IAgentStore>().CreateAsync(demo with
            {
                Config = demo.Config with
                {
                    OutboundSipConfig = new JsonObject { ["trunkId"] = trunk.Id, ["ringTimeoutSeconds"] = 20 },
                    Features = demo.Config.Features with { MaxDuration = new() { IsEnabled = true, MaxDurationSeconds = 4 } },
                },
            });

            var placed = await Task.WhenAll(Enumerable.Range(0, Calls).Select(async i =>
            {
                var response = await http.PostAsJsonAsync($"/api/v1/calls?agentId={agent.AgentId}", new { endpoint = $"{3000 + round * 100 + i}" });
                Assert.True(response.IsSuccessStatusCode, $"POST /calls answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                return (await response.Content.ReadFromJsonAsync<JsonObject>())!["callId"]!.GetValue<string>();
            }));
            Assert.Equal(Calls, placed.Distinct().Count());

            var results = await Task.WhenAll(placed.Select(id => node.WaitForCallEndAsync(id, TimeSpan.FromSeconds(150))));
            var reasons = results.Select(r => r["finishReason"]!.GetValue<string>()).ToList();
            output.WriteLine($"round {round}: " + string.Join(", ", reasons.GroupBy(r => r).Select(g => $"{g.Key} × {g.Count()}")));
            Assert.All(results, r => Assert.Equal("onPhone", r["callType"]!.GetValue<string>()));
            // Every call was answered and ended by the agent side (max duration, or the scripted agent
            // ending on its own echo): none failed, whether it had a recognizer or not.
            Assert.All(reasons, r => Assert.Contains(r, new[] { "max_duration", "agent_ended" }));
            // SIPp ends after its 50th call. Under CI load it may count a call as failed for a
            // retransmission of its own (the node's side, asserted above, is what the issue is about).
            var exit = await sipp.WaitForExitAsync(TimeSpan.FromSeconds(60));
            Assert.NotEqual(-999, exit);
            if (exit != 0) output.WriteLine($"SIPp exit {exit}: {sipp.Errors}");
        }

        var recognizer = Assert.IsType<PocketsphinxRecognizer>(node.Services.GetRequiredService<Orchestrator.Speech.Vendors.SpeechEngineRegistry>().Pocketsphinx.Engine);
        // A call's voice session hands its decoder back as it stops, just after the result is stored: give the last ones a moment.
        var released = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (recognizer.StreamsInUse > 0 && DateTime.UtcNow < released) await Task.Delay(100);
        output.WriteLine($"decoders loaded {recognizer.LoadedDecoders}, idle {recognizer.PooledDecoders}");
        Assert.InRange(recognizer.LoadedDecoders, 1, MaxRecognizers);
        Assert.Equal(0, recognizer.StreamsInUse);

        using var anonymous = node.CreateClient(authorized: false);
        var ready = await anonymous.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var report = (await ready.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("Healthy", report["status"]!.GetValue<string>());
    }
}

[CollectionDefinition(ConcurrentCallsTests.Burst, DisableParallelization = true)]
public sealed class CallBurstCollection;
