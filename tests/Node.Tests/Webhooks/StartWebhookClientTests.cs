using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Orchestrator.Messages.Agents;
using Orchestrator.Messages.Webhooks;
using Orchestrator.Node.Webhooks;

namespace Orchestrator.Node.Tests.Webhooks;

public sealed class StartWebhookClientTests
{
    private static readonly WebhookCall Call = new("call-1", "agent-1", "+15550100", new JsonObject { ["firstName"] = "Ada", ["tier"] = "gold" }, "camp-1");

    private static async Task<(StartWebhookDecision Decision, WebhookReceiver Receiver)> CallAsync(
        Func<ReceivedWebhook, int, (int, string?)> answer, bool failClosed = false, TimeSpan? delay = null, string? secret = null)
    {
        var receiver = await WebhookReceiver.StartAsync(secret);
        receiver.Answer = answer;
        receiver.Delay = delay ?? TimeSpan.Zero;
        await using var services = WebhookPosterTests.Services();
        var client = services.GetRequiredService<IStartWebhookClient>();
        var webhook = new StartWebhookConfig { Url = receiver.Url("start"), FailClosed = failClosed, Secret = secret, Headers = new() { ["X-Key"] = "k" } };
        var decision = await client.CallAsync(webhook, Call, attempt: 2, new JsonObject { ["team"] = "sales" });
        return (decision, receiver);
    }

    [Fact]
    public async Task The_reply_s_additional_data_is_merged_over_the_call_s()
    {
        var (decision, receiver) = await CallAsync((_, _) => (200, """{"additionalData": {"tier": "platinum", "balance": 12.5}}"""), secret: "sh");
        await using var _ = receiver;

        Assert.True(decision.Proceed);
        Assert.Null(decision.CancelReason);
        Assert.Null(decision.Failure);
        Assert.Equal("Ada", (string?)decision.AdditionalData["firstName"]);
        Assert.Equal("platinum", (string?)decision.AdditionalData["tier"]);
        Assert.Equal(12.5, (double)decision.AdditionalData["balance"]!);

        var seen = Assert.Single(receiver.Received);
        Assert.Equal("/start", seen.Path);
        Assert.True(seen.SignatureValid);
        Assert.Equal("k", seen.Headers["X-Key"]);
        var body = JsonNode.Parse(seen.Body)!;
        Assert.Equal("StartWebHookPayload", (string?)body["type"]);
        Assert.Equal("Queued", (string?)body["status"]);
        Assert.Equal("call-1", (string?)body["callId"]);
        Assert.Equal(2, (int)body["attempt"]!);
        Assert.Equal("gold", (string?)body["callAdditionalData"]!["tier"]);
        Assert.Equal("sales", (string?)body["agentAdditionalData"]!["team"]);
        Assert.Equal(seen.DeliveryId, (string?)body["deliveryId"]);
    }

    [Fact]
    public async Task Accept_false_cancels_with_start_webhook()
    {
        var (decision, receiver) = await CallAsync((_, _) => (200, """{"Accept": false, "additionalData": {"why": "opted out"}}"""));
        await using var _ = receiver;
        Assert.False(decision.Proceed);
        Assert.Equal("start_webhook", decision.CancelReason);
        Assert.Null(decision.Failure);
        Assert.Equal("opted out", (string?)decision.AdditionalData["why"]);
    }

    [Fact]
    public async Task A_failing_webhook_lets_the_call_go_ahead_unless_it_fails_closed()
    {
        var (open, r1) = await CallAsync((_, _) => (500, "oops"));
        await using var _1 = r1;
        Assert.True(open.Proceed);
        Assert.Equal("The receiver answered 500: oops.", open.Failure);
        Assert.Equal("gold", (string?)open.AdditionalData["tier"]);

        var (closed, r2) = await CallAsync((_, _) => (503, null), failClosed: true);
        await using var _2 = r2;
        Assert.False(closed.Proceed);
        Assert.Equal("start_webhook", closed.CancelReason);
        Assert.Equal("The receiver answered 503.", closed.Failure);
    }

    [Fact]
    public async Task A_webhook_slower_than_5_seconds_times_out()
    {
        var (decision, receiver) = await CallAsync((_, _) => (200, """{"accept": false}"""), failClosed: true, delay: TimeSpan.FromSeconds(7));
        await using var _ = receiver;
        Assert.False(decision.Proceed);
        Assert.Equal("No answer within 5 s.", decision.Failure);
    }

    [Theory]
    [InlineData("", true, null)]
    [InlineData("OK", true, "The start webhook's reply is not JSON; it was ignored.")]
    [InlineData("[1,2]", true, "The start webhook's reply is not a JSON object; it was ignored.")]
    [InlineData("""{"accept": "no"}""", false, "The start webhook's reply has an accept that is not true or false.")]
    [InlineData("""{"additionalData": [1]}""", false, "The start webhook's reply has an additionalData that is not an object.")]
    [InlineData("""{"accept": true, "additionalData": null}""", true, null)]
    [InlineData("""{"accept": true, "accept": false}""", false, "The start webhook's reply names a property twice.")]
    [InlineData("""{"additionalData": {"x": 1, "x": 2}}""", false, "The start webhook's reply names a property twice.")]
    public void Odd_replies_are_decided_not_thrown(string body, bool proceed, string? failure)
    {
        var decision = StartWebhookReply.Decide(new StartWebhookConfig { Url = "http://x", FailClosed = true }, Call.AdditionalData,
            new WebhookResponse(200, null, body, TimeSpan.Zero));
        Assert.Equal(proceed, decision.Proceed);
        Assert.Equal(failure, decision.Failure);
        Assert.Equal("Ada", (string?)decision.AdditionalData["firstName"]);
    }

    [Property(MaxTest = 300)]
    public Property Any_reply_is_a_decision(string? body, int status, bool failClosed)
    {
        var webhook = new StartWebhookConfig { Url = "http://x", FailClosed = failClosed };
        var decision = StartWebhookReply.Decide(webhook, Call.AdditionalData, new WebhookResponse(status, status is >= 200 and < 300 ? null : "bad", body, TimeSpan.Zero));
        var failedClosed = failClosed && status is < 200 or >= 300;
        return (decision.AdditionalData is not null
                && (decision.Proceed ? decision.CancelReason is null : decision.CancelReason == "start_webhook")
                && (!failedClosed || !decision.Proceed)
                && (status is >= 200 and < 300 || decision.Failure == "bad")).ToProperty();
    }

    [Property(MaxTest = 200)]
    public Property Any_json_object_reply_keeps_the_call_s_fields_it_does_not_name(NonEmptyString key, int value)
    {
        var reply = new JsonObject { ["additionalData"] = new JsonObject { [key.Get] = value } }.ToJsonString();
        var decision = StartWebhookReply.Decide(new StartWebhookConfig { Url = "http://x" }, Call.AdditionalData, new WebhookResponse(200, null, reply, TimeSpan.Zero));
        var firstNameKept = key.Get == "firstName" || (string?)decision.AdditionalData["firstName"] == "Ada";
        return (decision.Proceed && (int)decision.AdditionalData[key.Get]! == value && firstNameKept).ToProperty();
    }
}
