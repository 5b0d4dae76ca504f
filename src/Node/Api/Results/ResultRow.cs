using System.Text.Json.Nodes;
using Orchestrator.Messages.Calls;
using Orchestrator.Messages.Results;

namespace Orchestrator.Node.Api.Results;

/// <summary>
/// A results row as rest.md, Results shows it: the hosted platform's names (callId, callStatus,
/// callAdditionalData, createdTime, completedTime, result) beside ours (conversationId, status,
/// additionalData, finishReason, startedAt, endedAt), one row per call in every state.
/// </summary>
public sealed record ResultRow(
    string CallId, string? ConversationId, string AgentId, string CallStatus, string Status, string CallType, string? Endpoint,
    JsonObject CallAdditionalData, JsonObject AdditionalData, DateTimeOffset CreatedTime, DateTimeOffset? CompletedTime,
    double DurationSeconds, List<TranscriptEntry> Transcription, ResultRow.Outcome Result, List<ToolCallRecord> ToolCalls,
    string? ErrorMessage, string? CampaignId, int Attempts, string? RecordingUrl, string FinishReason, JsonObject PostCallAnalysis,
    DateTimeOffset StartedAt, DateTimeOffset? EndedAt,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    MediaStatistics? MediaStatistics = null)
{
    public sealed record Outcome(string FinishReason, JsonObject PostCallAnalysis);

    public static ResultRow From(ConversationResult r)
    {
        var finished = CallStatuses.IsFinal(r.Status);
        return new ResultRow(
            CallId: r.CallId ?? r.ConversationId,
            ConversationId: string.IsNullOrEmpty(r.ConversationId) ? null : r.ConversationId,
            AgentId: r.AgentId, CallStatus: r.Status, Status: r.Status, CallType: r.CallType, Endpoint: r.Endpoint,
            CallAdditionalData: r.AdditionalData, AdditionalData: r.AdditionalData,
            CreatedTime: r.StartedAt, CompletedTime: finished ? r.EndedAt : null, DurationSeconds: r.DurationSeconds,
            Transcription: r.Transcription, Result: new Outcome(r.FinishReason, r.PostCallAnalysis), ToolCalls: r.ToolCalls,
            ErrorMessage: r.ErrorMessage, CampaignId: r.CampaignId,
            // A socket conversation is one attempt; a call's row counts its attempts; an attempt's result is its number.
            Attempts: r.Attempt ?? 1, RecordingUrl: null,
            FinishReason: r.FinishReason, PostCallAnalysis: r.PostCallAnalysis, StartedAt: r.StartedAt,
            EndedAt: finished ? r.EndedAt : null, MediaStatistics: r.MediaStatistics);
    }
}

/// <summary>POST /callresults/search's answer with rows.</summary>
public sealed record ResultRowPage(List<ResultRow> Results, int TotalCount, int Page, int Size, int TotalPages)
{
    public static ResultRowPage From(ResultSearchResponse r) =>
        new(r.Results.Select(ResultRow.From).ToList(), r.TotalCount, r.Page, r.Size, r.TotalPages);
}
