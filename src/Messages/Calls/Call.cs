using System.Text.Json.Nodes;

namespace Orchestrator.Messages.Calls;

/// <summary>A queued outbound call (rest.md, Outbound calls) as the REST API shows it.</summary>
public sealed record Call
{
    public string CallId { get; init; } = "";
    public string AgentId { get; init; } = "";
    public string? CampaignId { get; init; }
    public string Endpoint { get; init; } = "";
    /// <summary>Created | Queued | Running | Completed | Failed | Canceled.</summary>
    public string Status { get; init; } = CallStatuses.Queued;
    public int Priority { get; init; } = 1;
    public DateTimeOffset CallDeadline { get; init; }
    public string? Timezone { get; init; }
    public DateTimeOffset? NotBefore { get; init; }
    public DateTimeOffset? NextScheduleTime { get; init; }
    public int Attempts { get; init; }
    public int MaxAttempts { get; init; } = 1;
    public string? LastOutcome { get; init; }
    /// <summary>The conversation of the latest attempt (null before the first).</summary>
    public string? ConversationId { get; init; }
    public string? CancelReason { get; init; }
    public JsonObject AdditionalData { get; init; } = new();
    public DateTimeOffset CreatedTime { get; init; }
    public DateTimeOffset? StartedTime { get; init; }
    public DateTimeOffset? CompletedTime { get; init; }
    /// <summary><i>(ours)</i> Every attempt so far, oldest first, with its conversation id.</summary>
    public List<CallAttemptRecord> AttemptHistory { get; init; } = [];
}

/// <summary>One dial attempt of a call: its conversation and how it ended (null while it runs).</summary>
public sealed record CallAttemptRecord(int Attempt, string ConversationId, DateTimeOffset StartedTime,
    DateTimeOffset? EndedTime, string? Outcome);

/// <summary>POST /calls body, and one item of /calls/bulk and of a campaign's calls.</summary>
public sealed record CallRequest
{
    public string? Endpoint { get; init; }
    public JsonObject? AdditionalData { get; init; }
    public int? Priority { get; init; }
    /// <summary>Also read as <c>callDeadLine</c>: names are matched case-insensitively.</summary>
    public DateTimeOffset? CallDeadline { get; init; }
    public string? Timezone { get; init; }
    public DateTimeOffset? NotBefore { get; init; }
    public string? CampaignId { get; init; }
    public string? IdempotencyKey { get; init; }
}

public static class CallStatuses
{
    public const string Created = "Created";
    public const string Queued = "Queued";
    public const string Running = "Running";
    public const string Completed = "Completed";
    public const string Failed = "Failed";
    public const string Canceled = "Canceled";
    public static readonly string[] All = [Created, Queued, Running, Completed, Failed, Canceled];
    public static bool IsFinal(string status) => status is Completed or Failed or Canceled;
}

public static class CancelReasons
{
    public const string Deadline = "deadline";
    public const string Deleted = "deleted";
    public const string CampaignCanceled = "campaign_canceled";

    /// <summary>The agent's start webhook answered <c>accept: false</c> (or failed with <c>failClosed</c>).</summary>
    public const string StartWebhook = "start_webhook";
}
