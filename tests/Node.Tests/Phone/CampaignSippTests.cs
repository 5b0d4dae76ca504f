using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Media.Tests.Sip;
using Orchestrator.Messages.Telephony;
using Orchestrator.Node.Tests.Infrastructure;
using Orchestrator.Storage.Telephony;

namespace Orchestrator.Node.Tests.Phone;

/// <summary>A campaign of two hundred calls against SIPp: every call accounted for, and the limits judged by what SIPp itself saw.</summary>
public sealed class CampaignSippTests(ChatNodeFixture fixture, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<ChatNodeFixture>
{
    private const int Calls = 200, Concurrency = 20, Cps = 10;

    // The gate counts a dial when it grants it; the INVITE reaches SIPp a little later, later still on a
    // loaded machine, so SIPp's one-second windows may hold a dial or two of the next window. The whole
    // run's pace is judged strictly.
    private const int ArrivalJitterAllowance = 2;

    [Fact]
    public async Task A_paused_campaign_holds_then_runs_every_call_within_its_concurrency_and_cps()
    {
        // SippProcess caps a run at 30 s, made for one call; this one dials for 20 s after the pause.
        await using var sipp = await SippProcess.StartAsync("callee-bye.xml", extra: $"-m {Calls} -timeout 120s {SippMessageLog.TraceArgs}");
        var trunk = await fixture.Node.Services.GetRequiredService<ISipTrunkStore>().CreateAsync(new SipTrunk
        {
            Name = "campaign-" + Guid.NewGuid().ToString("N")[..8], Server = $"127.0.0.1:{sipp.Port}",
        });
        var demo = ChatNodeFixture.DemoAgent();
        var agent = await fixture.CreateAgentAsync(demo with
        {
            Config = demo.Config with { OutboundSipConfig = new JsonObject { ["trunkId"] = trunk.Id } },
        });
        using var http = fixture.Node.CreateClient();
        var campaign = (await (await http.PostAsJsonAsync("/api/v1/campaigns",
            new { name = "sipp", agentId = agent.AgentId, concurrency = Concurrency, cpsLimit = Cps })).Content.ReadFromJsonAsync<JsonObject>())!;
        var id = campaign["campaignId"]!.GetValue<string>();

        // Paused before any call exists, so pause is what holds them.
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync($"/api/v1/campaigns/{id}/pause", null)).StatusCode);
        var csv = new StringBuilder("endpoint,row\n");
        for (var i = 0; i < Calls; i++) csv.Append($"{5000 + i},{i}\n");
        var upload = await http.PostAsync($"/api/v1/campaigns/{id}/calls", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        await Task.Delay(1500);
        Assert.DoesNotContain(Directory.GetFiles(sipp.WorkDir, "*_messages.log").SelectMany(File.ReadLines), l => l.StartsWith("INVITE "));

        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync($"/api/v1/campaigns/{id}/resume", null)).StatusCode);
        JsonObject? done = null, current = null;
        for (var i = 0; i < 600 && done is null; i++)
        {
            current = (await http.GetFromJsonAsync<JsonObject>($"/api/v1/campaigns/{id}"))!;
            if (current["status"]!.GetValue<string>() == "Completed") done = current;
            else await Task.Delay(200);
        }
        Assert.True(done is not null, $"not completed: {current} after {SippMessageLog.Read(sipp).Count(m => m.Received && m.IsRequest("INVITE"))} INVITEs");
        Assert.True((Calls, Calls) == (done!["counts"]!["total"]!.GetValue<int>(), done["counts"]!["Completed"]?.GetValue<int>() ?? 0),
            $"not every call completed: {done.ToJsonString()}; {await NotCompletedAsync(http, id)}");
        Assert.Equal(Calls, done["outcomes"]!["callee_hangup"]!.GetValue<int>());
        await sipp.AssertSucceededAsync(TimeSpan.FromSeconds(10));

        var log = SippMessageLog.Read(sipp);
        var invites = log.Where(m => m.Received && m.IsRequest("INVITE")).ToList();
        Assert.Equal(Calls, invites.Count);
        Assert.Equal(Calls, invites.Select(m => m.FirstLine.Split(' ')[1]).Distinct().Count()); // no number dialled twice
        var up = 0;
        var mostUp = 0;
        foreach (var m in log)
        {
            if (m.Received && m.IsRequest("INVITE")) mostUp = Math.Max(mostUp, ++up);
            else if (!m.Received && m.IsRequest("BYE")) up--;
        }
        Assert.InRange(mostUp, 1, Concurrency);
        var times = invites.Select(m => m.At).ToList();
        var busiestSecond = times.Max(t => times.Count(u => u >= t && u < t.AddSeconds(1)));
        Assert.InRange(busiestSecond, 1, Cps + ArrivalJitterAllowance);
        var span = (times.Max() - times.Min()).TotalSeconds;
        output.WriteLine($"{Calls} INVITEs in {span:F1} s (ideal {(Calls - 1) / (double)Cps:F1} s), at most {mostUp} up, busiest second {busiestSecond}");
        Assert.True(span >= (Calls - Cps) / (double)Cps, $"{Calls} INVITEs came in {span:F1} s, faster than {Cps} per second");
    }

    /// <summary>The campaign's calls that did not complete, with their outcome and last result, for a failure's message.</summary>
    private static async Task<string> NotCompletedAsync(HttpClient http, string campaignId)
    {
        var calls = (await http.GetFromJsonAsync<JsonObject>($"/api/v1/campaigns/{campaignId}/calls?take=500"))!["items"]!.AsArray();
        var odd = calls.Where(c => (string?)c!["status"] != "Completed").Select(c => c!.ToJsonString()).ToList();
        var results = new List<string>();
        foreach (var call in calls.Where(c => (string?)c!["status"] != "Completed"))
            results.Add((await http.GetStringAsync($"/api/v1/callresults/{call!["callId"]}")));
        return string.Join(" | ", odd) + " results: " + string.Join(" | ", results);
    }
}
