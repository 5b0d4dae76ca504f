using System.Text.Json.Nodes;
using Orchestrator.Messages.Results;
using Orchestrator.Messages.Webhooks;

namespace Orchestrator.Node.Api.Webhooks;

/// <summary>A believable body of each type for POST /webhooks/test, built by the same factory as real ones.</summary>
internal static class WebhookSamples
{
    public static WebhookPayload For(string type, string deliveryId, DateTimeOffset now)
    {
        var call = new WebhookCall("sample-call", "sample-agent", "+15550100",
            new JsonObject { ["firstName"] = "Ada", ["sample"] = true }, "sample-campaign", "sample-call", 1);
        var agentData = new JsonObject { ["team"] = "sample" };
        var result = new ConversationResult
        {
            ConversationId = "sample-call", AgentId = call.AgentId, CallType = CallTypes.OnPhone, Status = ResultStatuses.Completed,
            FinishReason = FinishReasons.AgentEnded, StartedAt = now.AddSeconds(-42), EndedAt = now, DurationSeconds = 42,
            Endpoint = call.Endpoint, AdditionalData = call.AdditionalData!, CallId = call.CallId, CampaignId = call.CampaignId, Attempt = 1,
            Transcription =
            [
                new TranscriptEntry("assistant", "Hello, this is the booking assistant.", now.AddSeconds(-40), now.AddSeconds(-38)),
                new TranscriptEntry("user", "I would like a table for two.", now.AddSeconds(-36), now.AddSeconds(-34)),
            ],
            PostCallAnalysis = new JsonObject { ["outcome"] = new JsonObject { ["booked"] = true, ["partySize"] = 2 } },
        };
        return type switch
        {
            WebhookTypes.Start => WebhookPayloadFactory.Start(call, 1, agentData, deliveryId, now),
            WebhookTypes.Completed => WebhookPayloadFactory.ForResult(result, agentData, deliveryId, now)!,
            WebhookTypes.Failed => WebhookPayloadFactory.CallFailed(call, agentData, FinishReasons.NoAnswer, "Nobody answered.", null, deliveryId, now),
            WebhookTypes.CallDeadLine => WebhookPayloadFactory.CallDeadLine(call, agentData, "deadline", deliveryId, now),
            WebhookTypes.Tool => WebhookPayloadFactory.Tool(result, agentData, "sample-tool-call", "book_table",
                new JsonObject { ["people"] = 2 }, deliveryId, now),
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not a webhook type."),
        };
    }
}
