using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Orchestrator.Cluster.Tests.Infrastructure;
using Orchestrator.Media.Tests.Sip;
using Orchestrator.Node.Tests.Phone;
using Orchestrator.Node.Tests.Webhooks;
using Xunit.Abstractions;

namespace Orchestrator.Cluster.Tests;

/// <summary>
/// A campaign against SIPp whose only node is killed with SIGKILL half-way, then started again on the
/// same database: the dialer carries on from the table. Judged by what SIPp and the webhook receiver saw.
/// </summary>
public sealed class CampaignCrashTests(ITestOutputHelper output)
{
    private const int Calls = 40, Concurrency = 8, Cps = 8;
    private const string Secret = "whsec_crash";

    [Fact]
    public async Task A_node_killed_mid_campaign_and_restarted_ends_every_call_once_dials_none_twice_and_loses_no_webhook()
    {
        // SIPp runs the whole test (its default 30 s cap is for one-call tests); each call is answered and hung up by the callee.
        await using var sipp = await SippProcess.StartAsync("callee-bye.xml", extra: $"-m {Calls * 2} -timeout 240s {SippMessageLog.TraceArgs}");
        await using var receiver = await WebhookReceiver.StartAsync(Secret);
        await using var cluster = await TestCluster.StartAsync(1, new Dictionary<string, string>
        {
            ["Orchestrator__Webhooks__PollInterval"] = "00:00:00.200",
            ["Orchestrator__Dialer__OrphanGrace"] = "00:00:05",
        });
        var node = cluster.Members[0];
        using var http = node.Client();

        var trunk = await PostAsync(http, "/api/v1/sip-trunks", new { name = "crash", server = $"127.0.0.1:{sipp.Port}" });
        var agent = await ChatSession.CreateDemoAgentAsync(node, a =>
        {
            a["name"] = "crash-campaign";
            a["config"]!["outboundSipConfig"] = new JsonObject { ["trunkId"] = (string)trunk["id"]! };
            a["config"]!["resultWebhook"] = new JsonObject { ["url"] = receiver.Url("results"), ["secret"] = Secret };
        });
        var campaign = await PostAsync(http, "/api/v1/campaigns", new { name = "crash", agentId = agent, concurrency = Concurrency, cpsLimit = Cps });
        var campaignId = (string)campaign["campaignId"]!;
        var csv = new StringBuilder("endpoint\n");
        for (var i = 0; i < Calls; i++) csv.Append($"{7000 + i}\n");
        (await http.PostAsync($"/api/v1/campaigns/{campaignId}/calls", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv")))
            .EnsureSuccessStatusCode();

        // Kill it with calls done, calls up and calls still queued.
        await WaitForCampaignAsync(http, campaignId, c => Finished(c) >= Calls / 4, TimeSpan.FromSeconds(60), "a quarter of the calls");
        node.Process.Kill();
        output.WriteLine($"killed after {SippMessageLog.Read(sipp).Count(m => m.Received && m.IsRequest("INVITE"))} INVITEs");
        await cluster.RestartAsync(node);

        using var after = node.Client();
        var done = await WaitForCampaignAsync(after, campaignId, c => (string?)c["status"] == "Completed", TimeSpan.FromSeconds(150),
            "the campaign to complete after the restart");
        output.WriteLine(done.ToJsonString());
        Assert.Equal(Calls, (int)done["counts"]!["total"]!);
        Assert.Equal(Calls, Finished(done));

        // None dialled twice, judged by SIPp: at most one INVITE per number (a call up at the crash is not retried: one attempt).
        var invites = SippMessageLog.Read(sipp).Where(m => m.Received && m.IsRequest("INVITE"))
            .GroupBy(m => m.FirstLine.Split(' ')[1]).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(invites, i => Assert.True(i.Value == 1, $"{i.Key} got {i.Value} INVITEs"));

        // Every call ended exactly once, and its result reached the webhook (a delivery seen twice is one delivery).
        var calls = await ListCallsAsync(after, campaignId);
        Assert.Equal(Calls, calls.Count);
        Assert.All(calls, c => Assert.Equal(1, (int)c["attempts"]!));
        await receiver.WaitUntilAsync(r => r.Accepted.Select(w => w.DeliveryId).Distinct().Count() >= Calls, TimeSpan.FromSeconds(60),
            "a result webhook per call");
        var results = receiver.Accepted.DistinctBy(w => w.DeliveryId).Select(w => JsonNode.Parse(w.Body)!).ToList();
        Assert.All(receiver.Received, r => Assert.True(r.SignatureValid));
        Assert.Equal(calls.Select(c => (string)c["callId"]!).Order(), results.Select(r => (string)r["callId"]!).Order());
        foreach (var call in calls)
        {
            var result = results.Single(r => (string?)r["callId"] == (string?)call["callId"]);
            var type = (string)call["status"]! == "Completed" ? "CompletedWebHookPayload" : "FailedWebHookPayload";
            Assert.Equal((type, (string?)call["lastOutcome"]), ((string)result["type"]!, (string?)result["result"]!["finishReason"]));
        }
        Assert.Contains(calls, c => (string)c["status"]! == "Completed");
    }

    private static int Finished(JsonObject campaign) =>
        new[] { "Completed", "Failed", "Canceled" }.Sum(s => (int?)campaign["counts"]![s] ?? 0);

    private static async Task<JsonObject> PostAsync(HttpClient http, string path, object body)
    {
        var response = await http.PostAsJsonAsync(path, body);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private static async Task<JsonObject> WaitForCampaignAsync(HttpClient http, string id, Func<JsonObject, bool> condition, TimeSpan timeout,
        string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonObject? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = await http.GetFromJsonAsync<JsonObject>($"/api/v1/campaigns/{id}");
                if (last is not null && condition(last)) return last;
            }
            catch (HttpRequestException) { } // the node is starting
            await Task.Delay(250);
        }
        throw new TimeoutException($"Waited {timeout} for {what}; last {last?.ToJsonString()}");
    }

    private static async Task<List<JsonObject>> ListCallsAsync(HttpClient http, string campaignId)
    {
        var page = (await http.GetFromJsonAsync<JsonObject>($"/api/v1/calls?campaignId={campaignId}&take=1000"))!;
        return page["items"]!.AsArray().Select(c => c!.AsObject()).ToList();
    }
}
