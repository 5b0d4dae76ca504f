using System.Text.Json.Nodes;

namespace Orchestrator.Messages.Calls;

/// <summary>An outbound call (rest.md, Outbound calls). Its id is the id of the conversation it runs.</summary>
public sealed record Call
{
    public string CallId { get; init; } = "";
    public string AgentId { get; init; } = "";
    public string Endpoint { get; init; } = "";
    /// <summary>Created | Queued | Running | Completed | Failed | Canceled.</summary>
    public string Status { get; init; } = CallStatuses.Running;
    public int Priority { get; init; }
    public DateTimeOffset? CallDeadline { get; init; }
    public string? Timezone { get; init; }
    public DateTimeOffset? NextScheduleTime { get; init; }
    public int Attempts { get; init; } = 1;
    public JsonObject AdditionalData { get; init; } = new();
    public string? CampaignId { get; init; }
    public string ConversationId { get; init; } = "";
    public DateTimeOffset CreatedTime { get; init; }
    public DateTimeOffset? CompletedTime { get; init; }
}

/// <summary>POST /calls body.</summary>
public sealed record CallRequest
{
    public string? Endpoint { get; init; }
    public JsonObject? AdditionalData { get; init; }
}

public static class CallStatuses
{
    public const string Running = "Running";
}
