using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Media.Tests.Sip;
using Orchestrator.Messages.Agents;
using Orchestrator.Messages.Telephony;
using Orchestrator.Node.Tests.Infrastructure;
using Orchestrator.Node.Tests.Webhooks;
using Orchestrator.Storage.Telephony;

namespace Orchestrator.Node.Tests.Phone;

/// <summary>The dialer's webhooks from a real node against SIPp: the start webhook decides each attempt; the result webhook hears how each call ended.</summary>
public sealed class DialerWebhookTests(ChatNodeFixture fixture) : IClassFixture<ChatNodeFixture>
{
    private const string Secret = "whsec_dialer";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_start_webhook_refuses_one_call_and_enriches_another_and_each_end_reaches_the_result_webhook()
    {
        await using var sipp = await SippProcess.StartAsync("callee-bye.xml", extra: "-m 1");
        await using var receiver = await WebhookReceiver.StartAsync(Secret);
        receiver.Answer = (request, _) =>
        {
            if (request.Path != "/start") return (200, null);
            var who = (string?)JsonNode.Parse(request.Body)!["callAdditionalData"]?["who"];
            return (200, who == "refuse" ? """{"accept": false}""" : """{"additionalData": {"crmId": "77"}}""");
        };
        var trunk = await fixture.Node.Services.GetRequiredService<ISipTrunkStore>().CreateAsync(new SipTrunk
        {
            Name = "hooks-" + Guid.NewGuid().ToString("N")[..8], Server = $"127.0.0.1:{sipp.Port}",
        });
        var demo = ChatNodeFixture.DemoAgent();
        var agent = await fixture.CreateAgentAsync(demo with
        {
            Config = demo.Config with
            {
                OutboundSipConfig = new JsonObject { ["trunkId"] = trunk.Id },
                StartWebhook = new StartWebhookConfig { Url = receiver.Url("start"), Secret = Secret },
                ResultWebhook = new WebhookConfig { Url = receiver.Url("results"), Secret = Secret },
            },
        });
        using var http = fixture.Node.CreateClient();
        var refused = await QueueAsync(http, agent, "refuse");
        var dialled = await QueueAsync(http, agent, "dial");

        await receiver.WaitUntilAsync(r => r.Received.Count(w => w.Path == "/results") >= 2, Wait, "both results");
        var refusedCall = (await http.GetFromJsonAsync<JsonObject>($"/api/v1/calls/{refused}"))!;
        Assert.Equal(("Canceled", "start_webhook", 0), ((string)refusedCall["status"]!, (string?)refusedCall["cancelReason"],
            (int)refusedCall["attempts"]!));

        var starts = receiver.Received.Where(r => r.Path == "/start").Select(r => JsonNode.Parse(r.Body)!).ToList();
        Assert.Equal(new[] { dialled, refused }.Order(), starts.Select(s => (string)s["callId"]!).Order());
        Assert.All(starts, s => Assert.Equal(("StartWebHookPayload", "Queued"), ((string)s["type"]!, (string)s["status"]!)));
        Assert.All(receiver.Received, r => Assert.True(r.SignatureValid));

        var results = receiver.Received.Where(r => r.Path == "/results").ToDictionary(r => (string)JsonNode.Parse(r.Body)!["callId"]!,
            r => JsonNode.Parse(r.Body)!);
        Assert.Equal(("CallDeadLineWebHookPayload", "start_webhook"), ((string)results[refused]["type"]!, (string?)results[refused]["cancelReason"]));
        var completed = results[dialled];
        Assert.Equal(("CompletedWebHookPayload", "callee_hangup"), ((string)completed["type"]!, (string?)completed["result"]!["finishReason"]));
        Assert.Equal("77", (string?)completed["callAdditionalData"]!["crmId"]);
        Assert.Equal("dial", (string?)completed["callAdditionalData"]!["who"]);
        await sipp.AssertSucceededAsync(TimeSpan.FromSeconds(10)); // one INVITE: the refused call was never dialled

        // The dialer's metrics saw it too: one attempt on this trunk, a start_webhook cancel, a callee_hangup outcome.
        var metrics = await http.GetStringAsync("/metrics");
        Assert.Matches($@"(?m)^orchestrator_dial_attempts_total\{{[^}}]*trunk=""{trunk.Id}""[^}}]*\}} 1(\s|$)", metrics);
        Assert.Matches(@"(?m)^orchestrator_calls_canceled_total\{[^}]*reason=""start_webhook""[^}]*\} [1-9]", metrics);
        Assert.Matches(@"(?m)^orchestrator_dial_outcomes_total\{[^}]*outcome=""callee_hangup""[^}]*\} [1-9]", metrics);
    }

    private static async Task<string> QueueAsync(HttpClient http, Agent agent, string who)
    {
        var response = await http.PostAsJsonAsync($"/api/v1/calls?agentId={agent.AgentId}",
            new { endpoint = "3000", additionalData = new { who } });
        response.EnsureSuccessStatusCode();
        return (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["callId"]!;
    }
}
