using System.Text.Json.Nodes;
using Orchestrator.Messages.Results;
using Orchestrator.Messages.Webhooks;

namespace Orchestrator.Node.Tests.Webhooks;

public sealed class WebhookPayloadFactoryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);

    internal static ConversationResult Result(string status = ResultStatuses.Completed, string? callId = null) => new()
    {
        ConversationId = "conv-1", AgentId = "agent-1", CallType = CallTypes.Chat, Status = status,
        FinishReason = status == ResultStatuses.Completed ? FinishReasons.AgentEnded : FinishReasons.Busy,
        ErrorMessage = status == ResultStatuses.Failed ? "the line was busy" : null,
        StartedAt = T0, EndedAt = T0.AddSeconds(42), DurationSeconds = 42, Endpoint = "+15550100",
        AdditionalData = new JsonObject { ["firstName"] = "Ada" },
        Transcription = [new TranscriptEntry("user", "hello", T0, T0), new TranscriptEntry("assistant", "We open at nine.", T0, T0)],
        ToolCalls = [new ToolCallRecord("t1", "book_table", new JsonObject { ["people"] = 2 }, JsonValue.Create("ok"), "ok")],
        PostCallAnalysis = new JsonObject { ["outcome"] = new JsonObject { ["booked"] = true } },
        CallId = callId, CampaignId = callId is null ? null : "camp-1", Attempt = callId is null ? null : 2,
    };

    [Fact]
    public void A_completed_result_becomes_a_completed_payload_with_the_common_fields_and_the_result()
    {
        var payload = WebhookPayloadFactory.ForResult(Result(), new JsonObject { ["team"] = "sales" }, "d-1", T0)!;

        var json = JsonNode.Parse(WebhookPayloadJson.Serialize(payload))!.AsObject();
        Assert.Equal("CompletedWebHookPayload", (string?)json["type"]);
        Assert.Equal("Completed", (string?)json["status"]);
        Assert.Equal("conv-1", (string?)json["callId"]); // a socket conversation: its own id
        Assert.Equal("conv-1", (string?)json["conversationId"]);
        Assert.Null(json["campaignId"]);
        Assert.True(json.ContainsKey("campaignId"));
        Assert.Equal("agent-1", (string?)json["agentId"]);
        Assert.Equal("+15550100", (string?)json["endpoint"]);
        Assert.Equal("Ada", (string?)json["callAdditionalData"]!["firstName"]);
        Assert.Equal("sales", (string?)json["agentAdditionalData"]!["team"]);
        Assert.Equal("d-1", (string?)json["deliveryId"]);
        Assert.Equal(T0, DateTimeOffset.Parse((string)json["timestamp"]!));
        Assert.Equal(["hello", "We open at nine."], json["transcription"]!.AsArray().Select(e => (string)e!["text"]!));
        Assert.Equal(42, (double)json["durationSeconds"]!);
        Assert.Equal("agent_ended", (string?)json["result"]!["finishReason"]);
        Assert.True((bool)json["result"]!["postCallAnalysis"]!["outcome"]!["booked"]!);
        Assert.Equal("book_table", (string?)json["toolCalls"]![0]!["toolName"]);
        Assert.Equal("chat", (string?)json["callType"]);
    }

    [Fact]
    public void A_failed_call_attempt_names_its_call_campaign_and_attempt()
    {
        var payload = WebhookPayloadFactory.ForResult(Result(ResultStatuses.Failed, callId: "call-9"), null, "d-2", T0)!;

        var failed = Assert.IsType<FailedWebHookPayload>(payload);
        Assert.Equal(WebhookTypes.Failed, failed.Type);
        Assert.Equal("Failed", failed.Status);
        Assert.Equal("call-9", failed.CallId);
        Assert.Equal("conv-1", failed.ConversationId);
        Assert.Equal("camp-1", failed.CampaignId);
        Assert.Equal(2, failed.Attempts);
        Assert.Equal("busy", failed.Result.FinishReason);
        Assert.Equal("the line was busy", failed.ErrorMessage);
        Assert.Empty(failed.AgentAdditionalData);
    }

    [Fact]
    public void A_canceled_result_has_no_result_webhook()
    {
        Assert.Null(WebhookPayloadFactory.ForResult(Result(ResultStatuses.Canceled), null, "d", T0));
    }

    [Fact]
    public void The_payload_does_not_share_objects_with_the_result()
    {
        var result = Result();
        var payload = WebhookPayloadFactory.ForResult(result, null, "d", T0)!;
        result.AdditionalData["firstName"] = "changed later";
        Assert.Equal("Ada", (string?)payload.CallAdditionalData["firstName"]);
    }

    [Fact]
    public void Call_level_payloads_carry_the_call_fields()
    {
        var call = new WebhookCall("call-1", "agent-1", "+15550199", new JsonObject { ["crm"] = "x" }, "camp-2", null, 3);

        var deadline = WebhookPayloadFactory.CallDeadLine(call, new JsonObject { ["a"] = 1 }, "deadline", "d-3", T0);
        var json = JsonNode.Parse(WebhookPayloadJson.Serialize(deadline))!.AsObject();
        Assert.Equal("CallDeadLineWebHookPayload", (string?)json["type"]);
        Assert.Equal("Canceled", (string?)json["status"]);
        Assert.Equal("deadline", (string?)json["cancelReason"]);
        Assert.Equal("call-1", (string?)json["callId"]);
        Assert.Equal("camp-2", (string?)json["campaignId"]);
        Assert.Equal("+15550199", (string?)json["endpoint"]);
        Assert.Equal("x", (string?)json["callAdditionalData"]!["crm"]);
        Assert.Equal(1, (int)json["agentAdditionalData"]!["a"]!);

        var start = WebhookPayloadFactory.Start(call, 2, null, "d-4", T0);
        json = JsonNode.Parse(WebhookPayloadJson.Serialize(start))!.AsObject();
        Assert.Equal("StartWebHookPayload", (string?)json["type"]);
        Assert.Equal("Queued", (string?)json["status"]);
        Assert.Equal(2, (int)json["attempt"]!);

        var failed = WebhookPayloadFactory.CallFailed(call, null, "no_answer", null, lastResult: null, "d-5", T0);
        Assert.Equal("no_answer", failed.Result.FinishReason);
        Assert.Equal(3, failed.Attempts);
        Assert.Empty(failed.Transcription);
        Assert.Null(failed.ConversationId);

        var withResult = WebhookPayloadFactory.CallFailed(call, null, "busy", null, Result(ResultStatuses.Failed, "call-1"), "d-6", T0);
        Assert.Equal("conv-1", withResult.ConversationId);
        Assert.Equal(2, withResult.Transcription.Count);
        Assert.Equal("the line was busy", withResult.ErrorMessage);
    }

    [Fact]
    public void A_tool_payload_names_the_tool_and_its_arguments()
    {
        var tool = WebhookPayloadFactory.Tool(Result(), null, "t7", "book_table", new JsonObject { ["people"] = 4 }, "d-7", T0);
        var json = JsonNode.Parse(WebhookPayloadJson.Serialize(tool))!.AsObject();
        Assert.Equal("ToolWebHookPayload", (string?)json["type"]);
        Assert.Equal("book_table", (string?)json["toolName"]);
        Assert.Equal("t7", (string?)json["toolCallId"]);
        Assert.Equal(4, (int)json["arguments"]!["people"]!);
        Assert.Equal("conv-1", (string?)json["conversationId"]);
    }

    [Fact]
    public void Derived_delivery_ids_are_stable_and_distinct_by_subject_and_type()
    {
        var a = WebhookDeliveryIds.ForConversation("c1", WebhookTypes.Completed);
        Assert.Equal(a, WebhookDeliveryIds.ForConversation("c1", WebhookTypes.Completed));
        Assert.True(Guid.TryParse(a, out _));
        Assert.NotEqual(a, WebhookDeliveryIds.ForConversation("c1", WebhookTypes.Failed));
        Assert.NotEqual(a, WebhookDeliveryIds.ForConversation("c2", WebhookTypes.Completed));
        Assert.NotEqual(a, WebhookDeliveryIds.ForCall("c1", WebhookTypes.Completed));
        Assert.NotEqual(WebhookDeliveryIds.New(), WebhookDeliveryIds.New());
    }
}
