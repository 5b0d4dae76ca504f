using System.Net;
using System.Text.Json.Nodes;
using Orchestrator.Messages.Agents;
using Orchestrator.Messages.Integrations;
using Orchestrator.Messages.Webhooks;
using Orchestrator.Node.Tests.Api;
using Orchestrator.Node.Tests.Infrastructure;
using Orchestrator.Storage.Agents;
using Orchestrator.Storage.Integrations;

namespace Orchestrator.Node.Tests.Webhooks;

/// <summary>Result webhooks from real conversations on a real node, through restarts.</summary>
public sealed class WebhookEndToEndTests
{
    private const string Secret = "whsec_e2e";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static async Task<(Agent Agent, string Token)> HookedAgentAsync(TestNode node, string url)
    {
        var demo = ChatNodeFixture.DemoAgent();
        var agent = await node.Services.GetRequiredService<IAgentStore>().CreateAsync(demo with
        {
            AdditionalData = new JsonObject { ["team"] = "bookings" },
            Config = demo.Config with
            {
                ResultWebhook = new WebhookConfig { Url = url, Secret = Secret, Headers = new() { ["X-Api-Key"] = "receiver-key" } },
            },
        });
        var integrations = node.Services.GetRequiredService<IWebIntegrationStore>();
        var integration = await integrations.CreateAsync(new WebIntegration
        {
            Name = "hooked-" + Guid.NewGuid().ToString("N")[..6], AgentId = agent.AgentId,
            Features = [new(IntegrationFeatures.AllowWebChat, true)], Tools = ["book_table"],
        });
        return (agent, (await integrations.CreateTokenAsync(integration.Id, "t", null))!.Token);
    }

    /// <summary>A short chat: greeting, one question, terminate. Returns the conversation id.</summary>
    private static async Task<string> ChatAsync(TestNode node, string token)
    {
        await using var client = await ProtocolClient.ConnectAsync(node.WebSocketUri("token=" + Uri.EscapeDataString(token)));
        await client.InitializeAsync(additionalData: new JsonObject { ["firstName"] = "Ada" });
        var id = (await client.ExpectAsync("event", "connection"))["data"]!["conversationId"]!.GetValue<string>();
        await client.ExpectAsync("event", "opened");
        await client.NextTextAsync("assistant");
        await client.SayAsync("what are your opening hours?");
        await client.NextTextAsync("user");
        await client.NextTextAsync("assistant");
        await client.TerminateAsync();
        await client.ExpectAsync("event", "closed");
        return id;
    }

    [Fact]
    public async Task A_chat_conversation_delivers_a_signed_completed_payload_with_its_transcript_after_the_receiver_recovers()
    {
        await using var receiver = await WebhookReceiver.StartAsync(Secret);
        receiver.Answer = (_, attempt) => (attempt == 1 ? 500 : 200, null);
        using var database = TestDatabase.Sqlite();
        await using var node = await TestNode.StartAsync(database, WebhookNodeFixture.Settings);
        var (agent, token) = await HookedAgentAsync(node, receiver.Url("results"));

        var id = await ChatAsync(node, token);

        await receiver.WaitUntilAsync(r => r.Accepted.Count >= 1, Wait, "the result webhook");
        var seen = Assert.Single(receiver.Accepted);
        Assert.Equal(2, receiver.Received.Count);
        Assert.All(receiver.Received, r => Assert.True(r.SignatureValid));
        Assert.Equal("receiver-key", seen.Headers["X-Api-Key"]);
        var body = JsonNode.Parse(seen.Body)!;
        Assert.Equal("CompletedWebHookPayload", (string?)body["type"]);
        Assert.Equal("Completed", (string?)body["status"]);
        Assert.Equal(id, (string?)body["conversationId"]);
        Assert.Equal(id, (string?)body["callId"]);
        Assert.Equal(agent.AgentId, (string?)body["agentId"]);
        Assert.Equal(seen.DeliveryId, (string?)body["deliveryId"]);
        Assert.Equal("chat", (string?)body["callType"]);
        Assert.Equal("user_terminated", (string?)body["result"]!["finishReason"]);
        Assert.Equal("Ada", (string?)body["callAdditionalData"]!["firstName"]);
        Assert.Equal("bookings", (string?)body["agentAdditionalData"]!["team"]);
        var transcript = body["transcription"]!.AsArray().Select(e => ((string)e!["speaker"]!, (string)e["text"]!)).ToList();
        Assert.StartsWith("Hello Ada, welcome to Trattoria Roma!", transcript[0].Item2);
        Assert.Contains(("user", "what are your opening hours?"), transcript);

        // The deliveries list shows both attempts and the last status.
        using var http = node.CreateClient();
        var list = await WaitForListAsync(http, $"/api/v1/webhooks/deliveries?agentId={agent.AgentId}", d => (string?)d["status"] == "delivered");
        Assert.Equal(1, (int)list["total"]!);
        var row = list["items"]![0]!;
        Assert.Equal(seen.DeliveryId, (string?)row["deliveryId"]);
        Assert.Equal(WebhookTypes.Completed, (string?)row["type"]);
        Assert.Equal(receiver.Url("results"), (string?)row["url"]);
        Assert.Equal(2, (int)row["attempts"]!);
        Assert.Equal(200, (int)row["lastStatusCode"]!);
        Assert.Null(row["lastError"]);
        Assert.Null(row["nextAttemptTime"]);
        Assert.NotNull(row["createdTime"]);
        Assert.DoesNotContain(Secret, list.ToJsonString());
        Assert.Null(row["body"]);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task A_pending_delivery_is_delivered_by_the_restarted_node(string provider)
    {
        await using var receiver = await WebhookReceiver.StartAsync(Secret);
        receiver.Answer = (_, _) => (503, null);
        using var database = provider == "sqlite" ? TestDatabase.Sqlite() : TestDatabase.Postgres();
        string id, agentId;
        await using (var node = await TestNode.StartAsync(database, WebhookNodeFixture.Settings))
        {
            var (agent, token) = await HookedAgentAsync(node, receiver.Url("results"));
            agentId = agent.AgentId;
            id = await ChatAsync(node, token);
            await receiver.WaitUntilAsync(r => r.Received.Count >= 1, Wait, "a first, refused attempt");
            using var http = node.CreateClient();
            var pending = await WaitForListAsync(http, $"/api/v1/webhooks/deliveries?status=pending&agentId={agentId}",
                d => (int)d["attempts"]! >= 1);
            Assert.Equal(503, (int)pending["items"]![0]!["lastStatusCode"]!);
            Assert.Equal("The receiver answered 503.", (string?)pending["items"]![0]!["lastError"]);
            Assert.NotNull(pending["items"]![0]!["nextAttemptTime"]);
        }

        receiver.Answer = (_, _) => (200, null);
        var refused = receiver.Received.Count;
        await using (var node = await TestNode.StartAsync(database, WebhookNodeFixture.Settings))
        {
            await receiver.WaitUntilAsync(r => r.Accepted.Count >= 1, Wait, "the delivery after the restart");
            var body = JsonNode.Parse(receiver.Accepted.Single().Body)!;
            Assert.Equal(id, (string?)body["conversationId"]);
            Assert.True(receiver.Accepted.Single().SignatureValid);

            using var http = node.CreateClient();
            var delivered = await WaitForListAsync(http, $"/api/v1/webhooks/deliveries?agentId={agentId}", d => (string?)d["status"] == "delivered");
            Assert.Equal(1, (int)delivered["total"]!);
            // One more than the refused ones the receiver saw (fewer if the stop cut a send short before it was recorded).
            Assert.InRange((int)delivered["items"]![0]!["attempts"]!, 2, refused + 1);
        }
    }

    private static async Task<JsonObject> WaitForListAsync(HttpClient http, string path, Func<JsonNode, bool> firstMatches)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            var list = await (await http.GetAsync(path)).ExpectAsync(HttpStatusCode.OK);
            if (list["items"]!.AsArray() is [var first, ..] && firstMatches(first!)) return list;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{path}: {list.ToJsonString()}");
            await Task.Delay(100);
        }
    }
}
