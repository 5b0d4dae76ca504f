using System.Text.Json.Nodes;

namespace Orchestrator.Messages.Results;

/// <summary>The conversation result (protocol.md): sent at the end, stored, served by REST.</summary>
public sealed record ConversationResult
{
    public string ConversationId { get; init; } = "";
    public string AgentId { get; init; } = "";
    public string CallType { get; init; } = CallTypes.Chat;
    /// <summary>Completed | Failed | Canceled.</summary>
    public string Status { get; init; } = ResultStatuses.Completed;
    public string FinishReason { get; init; } = "";
    public string? ErrorMessage { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset EndedAt { get; init; }
    public double DurationSeconds { get; init; }
    public string? Endpoint { get; init; }
    public JsonObject AdditionalData { get; init; } = new();
    public List<TranscriptEntry> Transcription { get; init; } = [];
    public List<ToolCallRecord> ToolCalls { get; init; } = [];
    public JsonObject PostCallAnalysis { get; init; } = new();
    /// <summary>The queued call this conversation was an attempt of (null for socket conversations).</summary>
    public string? CallId { get; init; }
    public string? CampaignId { get; init; }
    /// <summary>Which dial attempt of <see cref="CallId"/> this was, from 1.</summary>
    public int? Attempt { get; init; }
    /// <summary>Phone calls: the RTP and RTCP figures as the call ended; absent for chats and web calls.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public MediaStatistics? MediaStatistics { get; init; }
}

/// <param name="Latency">An assistant line that answers a user turn: how long its parts took (ours; absent otherwise).</param>
public sealed record TranscriptEntry(
    string Speaker, string Text, DateTimeOffset StartTime, DateTimeOffset EndTime,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    TurnLatency? Latency = null);

public sealed record ToolCallRecord(string Id, string ToolName, JsonObject Args, JsonNode? Result, string Status);

public static class CallTypes
{
    public const string Chat = "chat";
    public const string WebCall = "webCall";
    public const string OnPhone = "onPhone";
    public static readonly string[] All = [Chat, WebCall, OnPhone];
}

public static class ResultStatuses
{
    public const string Completed = "Completed";
    public const string Failed = "Failed";
    public const string Canceled = "Canceled";
}

public static class FinishReasons
{
    public const string UserTerminated = "user_terminated";
    public const string AgentEnded = "agent_ended";
    public const string UserHangup = "user_hangup";
    public const string CalleeHangup = "callee_hangup";
    public const string MaxDuration = "max_duration";
    public const string SilenceTimeout = "silence_timeout";
    public const string ConnectionLost = "connection_lost";
    public const string NoAnswer = "no_answer";
    public const string Busy = "busy";
    public const string Rejected = "rejected";
    public const string Error = "error";
}
