using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Media.Tests.Sip;
using Orchestrator.Messages.Agents;
using Orchestrator.Messages.Telephony;
using Orchestrator.Node.Tests.Infrastructure;
using Orchestrator.Storage.Telephony;

namespace Orchestrator.Node.Tests.Phone;

/// <summary>POST /calls queues a call; the dispatcher dials it through the trunk within its limits; GET /calls/{id} follows it.</summary>
public sealed class CallsApiTests(ChatNodeFixture fixture) : IClassFixture<ChatNodeFixture>
{
    private async Task<Agent> PhoneAgentAsync(SippProcess sipp, int? maxConcurrentCalls = null, JsonObject? retry = null)
    {
        var trunk = await fixture.Node.Services.GetRequiredService<ISipTrunkStore>().CreateAsync(new SipTrunk
        {
            Name = "calls-" + Guid.NewGuid().ToString("N")[..8], Server = $"127.0.0.1:{sipp.Port}", MaxConcurrentCalls = maxConcurrentCalls,
        });
        var agent = ChatNodeFixture.DemoAgent();
        return await fixture.CreateAgentAsync(agent with
        {
            Config = agent.Config with { OutboundSipConfig = new JsonObject { ["trunkId"] = trunk.Id }, Retry = retry },
        });
    }

    private static async Task<JsonObject> WaitForStatusAsync(HttpClient http, string callId, params string[] statuses)
    {
        for (var i = 0; i < 200; i++)
        {
            var current = (await http.GetFromJsonAsync<JsonObject>($"/api/v1/calls/{callId}"))!;
            if (statuses.Contains(current["status"]!.GetValue<string>())) return current;
            await Task.Delay(100);
        }
        throw new TimeoutException($"Call {callId} never reached {string.Join("/", statuses)}");
    }

    [Fact]
    public async Task A_queued_call_is_dialled_and_its_outcome_is_readable()
    {
        await using var sipp = await SippProcess.StartAsync("callee-bye.xml");
        var agent = await PhoneAgentAsync(sipp);
        using var http = fixture.Node.CreateClient();
        var response = await http.PostAsJsonAsync($"/api/v1/calls?agentId={agent.AgentId}",
            new { endpoint = "2000", additionalData = new { firstName = "Ada" }, timezone = "America/New_York" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var call = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var id = call["callId"]!.GetValue<string>();
        Assert.Equal(("Queued", "2000", 0, 1), (call["status"]!.GetValue<string>(), call["endpoint"]!.GetValue<string>(),
            call["attempts"]!.GetValue<int>(), call["priority"]!.GetValue<int>()));
        Assert.NotNull(call["nextScheduleTime"]);
        var deadline = call["callDeadline"]!.GetValue<DateTimeOffset>() - call["createdTime"]!.GetValue<DateTimeOffset>();
        Assert.Equal(TimeSpan.FromHours(24), deadline);

        var done = await WaitForStatusAsync(http, id, "Completed", "Failed", "Canceled");
        Assert.Equal("Completed", done["status"]!.GetValue<string>());
        Assert.Equal((1, "callee_hangup"), (done["attempts"]!.GetValue<int>(), done["lastOutcome"]!.GetValue<string>()));
        Assert.NotNull(done["completedTime"]);
        var conversationId = done["conversationId"]!.GetValue<string>();
        Assert.Equal(conversationId, done["attemptHistory"]![0]!["conversationId"]!.GetValue<string>());

        // The call's row is the full result of its last attempt; the attempt's own result is read by its conversation id.
        var row = await fixture.Node.WaitForResultAsync(id);
        Assert.Equal(("onPhone", "callee_hangup", "Completed"), (row["callType"]!.GetValue<string>(), row["finishReason"]!.GetValue<string>(),
            row["status"]!.GetValue<string>()));
        Assert.Equal("Ada", row["additionalData"]!["firstName"]!.GetValue<string>());
        var attempt = await fixture.Node.WaitForResultAsync(conversationId);
        Assert.Equal((id, 1, conversationId), (attempt["callId"]!.GetValue<string>(), attempt["attempts"]!.GetValue<int>(),
            attempt["conversationId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_trunk_at_its_limit_queues_the_next_call_until_the_first_ends()
    {
        await using var sipp = await SippProcess.StartAsync("callee-bye.xml", extra: $"-m 2 {SippMessageLog.TraceArgs}");
        var agent = await PhoneAgentAsync(sipp, maxConcurrentCalls: 1);
        using var http = fixture.Node.CreateClient();
        var first = (await (await http.PostAsJsonAsync($"/api/v1/calls?agentId={agent.AgentId}", new { endpoint = "3000", priority = 5 }))
            .Content.ReadFromJsonAsync<JsonObject>())!["callId"]!.GetValue<string>();
        var second = (await (await http.PostAsJsonAsync($"/api/v1/calls?agentId={agent.AgentId}", new { endpoint = "3001" }))
            .Content.ReadFromJsonAsync<JsonObject>())!["callId"]!.GetValue<string>();

        await WaitForStatusAsync(http, first, "Running");
        var deleteRunning = await http.DeleteAsync($"/api/v1/calls/{first}");
        Assert.Equal(HttpStatusCode.Conflict, deleteRunning.StatusCode);
        Assert.Contains("Running", await deleteRunning.Content.ReadAsStringAsync());

        Assert.Equal("Completed", (await WaitForStatusAsync(http, first, "Completed", "Failed"))["status"]!.GetValue<string>());
        Assert.Equal("Completed", (await WaitForStatusAsync(http, second, "Completed", "Failed"))["status"]!.GetValue<string>());
        await sipp.AssertSucceededAsync(TimeSpan.FromSeconds(10));

        // At the callee: the second INVITE came only after the first call's BYE (one call up at a time).
        var log = SippMessageLog.Read(sipp);
        var invites = log.Select((m, i) => (m, i)).Where(x => x.m.Received && x.m.IsRequest("INVITE")).Select(x => x.i).ToList();
        var byes = log.Select((m, i) => (m, i)).Where(x => !x.m.Received && x.m.IsRequest("BYE")).Select(x => x.i).ToList();
        Assert.Equal(2, invites.Count);
        Assert.True(invites[1] > byes[0], "the second call was dialled while the first was up");
        Assert.Contains("3000@", log[invites[0]].FirstLine); // the higher priority first
    }

    [Fact]
    public async Task A_busy_number_is_tried_exactly_max_attempts_times()
    {
        await using var sipp = await SippProcess.StartAsync("busy.xml", extra: $"-m 3 {SippMessageLog.TraceArgs}");
        var agent = await PhoneAgentAsync(sipp, retry: new JsonObject
        {
            ["maxAttempts"] = 2, ["on"] = new JsonArray("busy"), ["backoffSeconds"] = new JsonArray(1),
        });
        using var http = fixture.Node.CreateClient();
        var call = (await (await http.PostAsJsonAsync($"/api/v1/calls?agentId={agent.AgentId}", new { endpoint = "4000" }))
            .Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(2, call["maxAttempts"]!.GetValue<int>());

        var failed = await WaitForStatusAsync(http, call["callId"]!.GetValue<string>(), "Failed", "Completed", "Canceled");
        Assert.Equal(("Failed", "busy", 2), (failed["status"]!.GetValue<string>(), failed["lastOutcome"]!.GetValue<string>(),
            failed["attempts"]!.GetValue<int>()));
        Assert.Equal(["busy", "busy"], failed["attemptHistory"]!.AsArray().Select(a => a!["outcome"]!.GetValue<string>()));
        var attempt = (await http.GetFromJsonAsync<JsonObject>($"/api/v1/callresults/{failed["callId"]}-a2"))!;
        Assert.Equal("busy (486 Busy Here)", attempt["errorMessage"]!.GetValue<string>());
        Assert.DoesNotContain(attempt["transcription"]!.AsArray(), e => (string?)e!["speaker"] == "assistant"); // no greeting was heard
        await Task.Delay(1500); // a third attempt would be due by now
        Assert.Equal(2, SippMessageLog.Read(sipp).Count(m => m.Received && m.IsRequest("INVITE")));
    }

    [Fact]
    public async Task A_paused_campaign_ahead_in_the_queue_does_not_hold_up_the_calls_behind_it()
    {
        await using var sipp = await SippProcess.StartAsync("callee-bye.xml", extra: $"-m 1 {SippMessageLog.TraceArgs}");
        var agent = await PhoneAgentAsync(sipp);
        using var http = fixture.Node.CreateClient();
        var campaign = (await (await http.PostAsJsonAsync("/api/v1/campaigns", new { name = "held", agentId = agent.AgentId, concurrency = 5 }))
            .Content.ReadFromJsonAsync<JsonObject>())!["campaignId"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync($"/api/v1/campaigns/{campaign}/pause", null)).StatusCode);
        // More paused calls than the dispatcher reads in one page, all queued before the call that must go.
        var csv = new System.Text.StringBuilder("endpoint\n");
        for (var i = 0; i < 250; i++) csv.Append($"{6000 + i}\n");
        (await http.PostAsync($"/api/v1/campaigns/{campaign}/calls", new StringContent(csv.ToString(), System.Text.Encoding.UTF8, "text/csv")))
            .EnsureSuccessStatusCode();

        var call = (await (await http.PostAsJsonAsync($"/api/v1/calls?agentId={agent.AgentId}", new { endpoint = "5999" }))
            .Content.ReadFromJsonAsync<JsonObject>())!;
        var done = await WaitForStatusAsync(http, call["callId"]!.GetValue<string>(), "Completed", "Failed", "Canceled");
        Assert.Equal(("Completed", "callee_hangup"), (done["status"]!.GetValue<string>(), done["lastOutcome"]!.GetValue<string>()));
        Assert.Equal(["INVITE sip:5999@"], SippMessageLog.Read(sipp).Where(m => m.Received && m.IsRequest("INVITE"))
            .Select(m => m.FirstLine[..16]));
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync($"/api/v1/campaigns/{campaign}/cancel", null)).StatusCode);
    }
}
