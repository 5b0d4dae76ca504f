using System.Text.Json.Nodes;
using Orchestrator.Messages.Results;

namespace Orchestrator.Messages.Webhooks;

/// <summary>Builds webhook bodies from what they report. Pure: ids and time come in as parameters.</summary>
public static class WebhookPayloadFactory
{
    /// <summary>
    /// The result webhook of a finished conversation: Completed or Failed by its status; null for a
    /// status that has no result webhook (Canceled).
    /// </summary>
    public static ConversationWebhookPayload? ForResult(
        ConversationResult result, JsonObject? agentAdditionalData, string deliveryId, DateTimeOffset timestamp)
    {
        ConversationWebhookPayload? payload = result.Status switch
        {
            ResultStatuses.Completed => new CompletedWebHookPayload(),
            ResultStatuses.Failed => new FailedWebHookPayload(),
            _ => null,
        };
        if (payload is null) return null;
        return payload with
        {
            Status = result.Status,
            CallId = string.IsNullOrEmpty(result.CallId) ? result.ConversationId : result.CallId,
            ConversationId = result.ConversationId,
            CampaignId = result.CampaignId,
            AgentId = result.AgentId,
            Endpoint = result.Endpoint,
            CallAdditionalData = Copy(result.AdditionalData),
            AgentAdditionalData = Copy(agentAdditionalData),
            DeliveryId = deliveryId,
            Timestamp = timestamp,
            CallType = result.CallType,
            Transcription = [.. result.Transcription ?? []],
            DurationSeconds = result.DurationSeconds,
            Result = new WebhookResultSummary(result.FinishReason, Copy(result.PostCallAnalysis)),
            ToolCalls = [.. result.ToolCalls ?? []],
            ErrorMessage = result.ErrorMessage,
            Attempts = result.Attempt,
        };
    }

    /// <summary>
    /// A queued call that failed for good (every attempt unanswered or in error). With the last
    /// attempt's conversation result, its transcript and finish reason come along; without one (an
    /// attempt that never got a conversation), <paramref name="finishReason"/> says why.
    /// </summary>
    public static FailedWebHookPayload CallFailed(
        WebhookCall call, JsonObject? agentAdditionalData, string finishReason, string? errorMessage,
        ConversationResult? lastResult, string deliveryId, DateTimeOffset timestamp) => new()
    {
        Status = ResultStatuses.Failed,
        CallId = call.CallId,
        ConversationId = lastResult?.ConversationId ?? call.ConversationId,
        CampaignId = call.CampaignId,
        AgentId = call.AgentId,
        Endpoint = call.Endpoint,
        CallAdditionalData = Copy(call.AdditionalData),
        AgentAdditionalData = Copy(agentAdditionalData),
        DeliveryId = deliveryId,
        Timestamp = timestamp,
        CallType = lastResult?.CallType,
        Transcription = [.. lastResult?.Transcription ?? []],
        DurationSeconds = lastResult?.DurationSeconds ?? 0,
        Result = new WebhookResultSummary(finishReason, Copy(lastResult?.PostCallAnalysis)),
        ToolCalls = [.. lastResult?.ToolCalls ?? []],
        ErrorMessage = errorMessage ?? lastResult?.ErrorMessage,
        Attempts = call.Attempts,
    };

    /// <summary>A queued call cancelled before a (next) attempt could start.</summary>
    public static CallDeadLineWebHookPayload CallDeadLine(
        WebhookCall call, JsonObject? agentAdditionalData, string cancelReason, string deliveryId, DateTimeOffset timestamp) => new()
    {
        Status = ResultStatuses.Canceled,
        CancelReason = cancelReason,
        CallId = call.CallId,
        ConversationId = call.ConversationId,
        CampaignId = call.CampaignId,
        AgentId = call.AgentId,
        Endpoint = call.Endpoint,
        CallAdditionalData = Copy(call.AdditionalData),
        AgentAdditionalData = Copy(agentAdditionalData),
        DeliveryId = deliveryId,
        Timestamp = timestamp,
    };

    /// <summary>The start webhook before dial attempt <paramref name="attempt"/> (from 1) of a queued call.</summary>
    public static StartWebHookPayload Start(
        WebhookCall call, int attempt, JsonObject? agentAdditionalData, string deliveryId, DateTimeOffset timestamp) => new()
    {
        Status = "Queued",
        Attempt = attempt,
        CallId = call.CallId,
        ConversationId = call.ConversationId,
        CampaignId = call.CampaignId,
        AgentId = call.AgentId,
        Endpoint = call.Endpoint,
        CallAdditionalData = Copy(call.AdditionalData),
        AgentAdditionalData = Copy(agentAdditionalData),
        DeliveryId = deliveryId,
        Timestamp = timestamp,
    };

    /// <summary>A server tool's call, made by the conversation <paramref name="conversation"/> reports on.</summary>
    public static ToolWebHookPayload Tool(
        ConversationResult conversation, JsonObject? agentAdditionalData, string toolCallId, string toolName,
        JsonObject arguments, string deliveryId, DateTimeOffset timestamp) => new()
    {
        Status = "Running",
        ToolCallId = toolCallId,
        ToolName = toolName,
        Arguments = Copy(arguments),
        CallId = string.IsNullOrEmpty(conversation.CallId) ? conversation.ConversationId : conversation.CallId,
        ConversationId = conversation.ConversationId,
        CampaignId = conversation.CampaignId,
        AgentId = conversation.AgentId,
        Endpoint = conversation.Endpoint,
        CallAdditionalData = Copy(conversation.AdditionalData),
        AgentAdditionalData = Copy(agentAdditionalData),
        DeliveryId = deliveryId,
        Timestamp = timestamp,
    };

    // Bodies are kept and serialized later; a copy keeps them apart from objects the caller goes on changing.
    private static JsonObject Copy(JsonObject? value) => value?.DeepClone().AsObject() ?? new JsonObject();
}
