using System.Net;
using System.Text.Json.Nodes;
using Orchestrator.Node.Tests.Api;

namespace Orchestrator.Node.Tests.Webhooks;

/// <summary>GET /webhooks/deliveries and POST /webhooks/test.</summary>
[Collection(WebhookNodeCollection.Name)]
public sealed class WebhooksApiTests(WebhookNodeFixture fixture)
{
    private HttpClient Client => fixture.Client;

    private static JsonObject TestBody(string url, string type = "CompletedWebHookPayload", JsonObject? headers = null) => new()
    {
        ["webhook"] = new JsonObject { ["url"] = url, ["headers"] = headers ?? new JsonObject() },
        ["type"] = type,
    };

    [Fact]
    public async Task A_test_send_to_a_receiver_that_answers_200_is_a_success_with_a_sample_of_the_type()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var answer = await (await Client.PostAsync("/api/v1/webhooks/test",
                TestBody(receiver.Url("t"), "callDeadLineWebHookPayload", new JsonObject { ["X-Probe"] = "yes" }).Json()))
            .ExpectAsync(HttpStatusCode.OK);

        Assert.True((bool)answer["success"]!);
        Assert.Equal(200, (int)answer["statusCode"]!);
        Assert.True((long)answer["durationMs"]! >= 0);
        Assert.True(answer.ContainsKey("error") && answer["error"] is null);

        var seen = Assert.Single(receiver.Received);
        Assert.Equal("yes", seen.Headers["X-Probe"]);
        var body = JsonNode.Parse(seen.Body)!;
        Assert.Equal("CallDeadLineWebHookPayload", (string?)body["type"]);
        Assert.Equal("deadline", (string?)body["cancelReason"]);
        Assert.Equal(seen.DeliveryId, (string?)body["deliveryId"]);
        Assert.Equal("sample-call", (string?)body["callId"]);
    }

    [Theory]
    [InlineData("StartWebHookPayload")]
    [InlineData("CompletedWebHookPayload")]
    [InlineData("FailedWebHookPayload")]
    [InlineData("ToolWebHookPayload")]
    public async Task Every_type_has_a_sample(string type)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await (await Client.PostAsync("/api/v1/webhooks/test", TestBody(receiver.Url(), type).Json())).ExpectAsync(HttpStatusCode.OK);
        var body = JsonNode.Parse(Assert.Single(receiver.Received).Body)!;
        Assert.Equal(type, (string?)body["type"]);
        Assert.Equal("sample-agent", (string?)body["agentId"]);
        if (type == "CompletedWebHookPayload")
            Assert.Equal(2, body["transcription"]!.AsArray().Count);
    }

    [Fact]
    public async Task A_test_send_that_fails_says_how()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = (_, _) => (500, "database down");
        var failed = await (await Client.PostAsync("/api/v1/webhooks/test", TestBody(receiver.Url()).Json())).ExpectAsync(HttpStatusCode.OK);
        Assert.False((bool)failed["success"]!);
        Assert.Equal(500, (int)failed["statusCode"]!);
        Assert.Equal("The receiver answered 500: database down.", (string?)failed["error"]);

        int port;
        using (var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        var unreachable = await (await Client.PostAsync("/api/v1/webhooks/test", TestBody($"http://127.0.0.1:{port}/").Json()))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.False((bool)unreachable["success"]!);
        Assert.Null(unreachable["statusCode"]);
        Assert.StartsWith("Could not reach the receiver:", (string?)unreachable["error"]);
    }

    [Fact]
    public async Task A_bad_test_request_names_its_fields()
    {
        var problem = await (await Client.PostAsync("/api/v1/webhooks/test", TestBody("not a url", "NoSuchPayload").Json()))
            .ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("url must be an absolute http or https URL.", (string?)problem.Errors()["webhook.url"]![0]);
        Assert.StartsWith("type must be one of: StartWebHookPayload, CompletedWebHookPayload", (string?)problem.Errors()["type"]![0]);

        var missing = await (await Client.PostAsync("/api/v1/webhooks/test", new JsonObject().Json())).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("webhook is required.", (string?)missing.Errors()["webhook"]![0]);
        Assert.True(missing.Errors().ContainsKey("type"));

        var malformed = await (await Client.PostAsync("/api/v1/webhooks/test", ApiTestExtensions.RawJson("""{"webhook": 5}""")))
            .ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(malformed.Errors().ContainsKey("webhook"));
    }

    [Fact]
    public async Task The_deliveries_list_checks_its_query()
    {
        var status = await (await Client.GetAsync("/api/v1/webhooks/deliveries?status=lost")).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("status must be one of: pending, delivered, failed.", (string?)status.Errors()["status"]![0]);
        var take = await (await Client.GetAsync("/api/v1/webhooks/deliveries?take=1001")).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(take.Errors().ContainsKey("take"));

        var none = await (await Client.GetAsync("/api/v1/webhooks/deliveries?agentId=nobody&status=FAILED")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, (int)none["total"]!);
        Assert.Empty(none["items"]!.AsArray());
    }

    [Fact]
    public async Task The_webhook_endpoints_need_an_api_key()
    {
        using var anonymous = fixture.Node.CreateClient(authorized: false);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/webhooks/deliveries")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized,
            (await anonymous.PostAsync("/api/v1/webhooks/test", TestBody("http://127.0.0.1:1/").Json())).StatusCode);
    }
}
