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

/// <summary>POST /calls places an onPhone conversation without a socket; GET /calls/{id} follows it.</summary>
public sealed class CallsApiTests(ChatNodeFixture fixture) : IClassFixture<ChatNodeFixture>
{
    private async Task<Agent> PhoneAgentAsync(SippProcess sipp, int? maxConcurrentCalls = null)
    {
        var trunk = await fixture.Node.Services.GetRequiredService<ISipTrunkStore>().CreateAsync(new SipTrunk
        {
            Name = "calls-" + Guid.NewGuid().ToString("N")[..8], Server = $"127.0.0.1:{sipp.Port}", MaxConcurrentCalls = maxConcurrentCalls,
        });
        var agent = ChatNodeFixture.DemoAgent();
        return await fixture.CreateAgentAsync(agent with
        {
            Config = agent.Config with { OutboundSipConfig = new JsonObject { ["trunkId"] = trunk.Id } },
        });
    }

    [Fact]
    public async Task A_placed_call_runs_at_once_and_its_outcome_is_readable()
    {
        await using var sipp = await SippProcess.StartAsync("callee-bye.xml");
        var agent = await PhoneAgentAsync(sipp);
        using var http = fixture.Node.CreateClient();
        var response = await http.PostAsJsonAsync($"/api/v1/calls?agentId={agent.AgentId}",
            new { endpoint = "2000", additionalData = new { firstName = "Ada" } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var call = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var id = call["callId"]!.GetValue<string>();
        Assert.Equal((id, "Running", "2000"), (call["conversationId"]!.GetValue<string>(), call["status"]!.GetValue<string>(), call["endpoint"]!.GetValue<string>()));

        JsonObject? done = null;
        for (var i = 0; i < 100 && done is null; i++)
        {
            var current = await http.GetFromJsonAsync<JsonObject>($"/api/v1/calls/{id}");
            if (current!["status"]!.GetValue<string>() != "Running") done = current;
            else await Task.Delay(150);
        }
        Assert.NotNull(done);
        Assert.Equal("Completed", done!["status"]!.GetValue<string>());
        Assert.NotNull(done["completedTime"]);
        var result = await http.GetFromJsonAsync<JsonObject>($"/api/v1/callresults/{id}");
        Assert.Equal(("onPhone", "callee_hangup"), (result!["callType"]!.GetValue<string>(), result["finishReason"]!.GetValue<string>()));
        Assert.Equal("Ada", result["additionalData"]!["firstName"]!.GetValue<string>());
    }

    [Fact]
    public async Task Bad_requests_name_the_field_and_unknown_calls_are_404()
    {
        using var http = fixture.Node.CreateClient();
        var noAgent = await http.PostAsJsonAsync("/api/v1/calls", new { endpoint = "1" });
        Assert.Equal(HttpStatusCode.BadRequest, noAgent.StatusCode);
        Assert.Contains("agentId", await noAgent.Content.ReadAsStringAsync());

        var noEndpoint = await http.PostAsJsonAsync($"/api/v1/calls?agentId={fixture.Agent.AgentId}", new { });
        var body = await noEndpoint.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, noEndpoint.StatusCode);
        Assert.Contains("endpoint", body);
        Assert.Contains("outboundSipConfig", body); // the demo agent has no trunk

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/api/v1/calls/{Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task A_trunk_at_its_concurrency_limit_answers_429()
    {
        await using var sipp = await SippProcess.StartAsync("uas", extra: "-rtp_echo");
        var agent = await PhoneAgentAsync(sipp, maxConcurrentCalls: 1);
        using var http = fixture.Node.CreateClient();
        var first = await http.PostAsJsonAsync($"/api/v1/calls?agentId={agent.AgentId}", new { endpoint = "3000" });
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        HttpResponseMessage? second = null;
        for (var i = 0; i < 50; i++)
        {
            second = await http.PostAsJsonAsync($"/api/v1/calls?agentId={agent.AgentId}", new { endpoint = "3001" });
            if (second.StatusCode == HttpStatusCode.TooManyRequests) break;
            await Task.Delay(100); // the first call takes its slot when it dials
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, second!.StatusCode);
    }
}
