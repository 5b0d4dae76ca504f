using System.Text.Json.Nodes;
using Orchestrator.Messages.Results;

namespace Orchestrator.Messages.Webhooks;

/// <summary>
/// The fields every webhook body carries (rest.md, Webhooks). Bodies are serialized with their
/// runtime type (<see cref="WebhookPayloadJson"/>), so each subtype's own fields are written too.
/// For a conversation a socket started, <see cref="CallId"/> is the conversation id, as in results.
/// </summary>
public abstract record WebhookPayload
{
    public abstract string Type { get; }
    public string Status { get; init; } = "";
    public string CallId { get; init; } = "";
    public string? ConversationId { get; init; }
    public string? CampaignId { get; init; }
    public string AgentId { get; init; } = "";
    public string? Endpoint { get; init; }
    public JsonObject CallAdditionalData { get; init; } = new();
    public JsonObject AgentAdditionalData { get; init; } = new();
    public string DeliveryId { get; init; } = "";
    public DateTimeOffset Timestamp { get; init; }
}

/// <summary>The <c>result</c> object of a Completed or Failed body.</summary>
public sealed record WebhookResultSummary(string FinishReason, JsonObject PostCallAnalysis);

/// <summary>What Completed and Failed carry besides the common fields: the conversation result.</summary>
public abstract record ConversationWebhookPayload : WebhookPayload
{
    /// <summary>chat | webCall | onPhone; null for a queued call that failed without a conversation.</summary>
    public string? CallType { get; init; }
    public List<TranscriptEntry> Transcription { get; init; } = [];
    public double DurationSeconds { get; init; }
    public WebhookResultSummary Result { get; init; } = new("", new JsonObject());
    public List<ToolCallRecord> ToolCalls { get; init; } = [];
    public string? ErrorMessage { get; init; }
    /// <summary>Dial attempts of the call so far; null for a socket conversation.</summary>
    public int? Attempts { get; init; }
}

/// <summary>A conversation of any channel ended with status Completed.</summary>
public sealed record CompletedWebHookPayload : ConversationWebhookPayload
{
    public override string Type => WebhookTypes.Completed;
}

/// <summary>A conversation failed, or a queued call failed for good.</summary>
public sealed record FailedWebHookPayload : ConversationWebhookPayload
{
    public override string Type => WebhookTypes.Failed;
}

/// <summary>A queued call was cancelled before it could (again) start.</summary>
public sealed record CallDeadLineWebHookPayload : WebhookPayload
{
    public override string Type => WebhookTypes.CallDeadLine;
    /// <summary>deadline | deleted | campaign_canceled | start_webhook.</summary>
    public string CancelReason { get; init; } = "";
}

/// <summary>Sent to the start webhook before each dial attempt of a queued call.</summary>
public sealed record StartWebHookPayload : WebhookPayload
{
    public override string Type => WebhookTypes.Start;
    /// <summary>The attempt about to be dialled, from 1.</summary>
    public int Attempt { get; init; }
}

/// <summary>A server tool is called: the reply body is the tool's result.</summary>
public sealed record ToolWebHookPayload : WebhookPayload
{
    public override string Type => WebhookTypes.Tool;
    public string ToolCallId { get; init; } = "";
    public string ToolName { get; init; } = "";
    public JsonObject Arguments { get; init; } = new();
}
