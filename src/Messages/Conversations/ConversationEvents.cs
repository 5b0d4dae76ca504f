using System.Text.Json.Nodes;
using Orchestrator.Messages.Agents;
using Orchestrator.Messages.Calls;

namespace Orchestrator.Messages.Conversations;

/// <summary>
/// The journal of a conversation. Renaming or reshaping one of these breaks recovery of stored
/// conversations: add new types instead.
/// </summary>
public static class ConversationEvents
{
    /// <param name="Call">Added later: null in events journaled before it and for socket conversations.</param>
    public sealed record Started(
        string ConversationId, Agent Agent, string CallType, JsonObject AdditionalData, string? Endpoint,
        IReadOnlyList<string> ClientTools, DateTimeOffset At, CallAttempt? Call = null) : IOrchestratorMessage;

    /// <summary>A user turn; EndAt is set for speech (At is when it began).</summary>
    /// <param name="FinalAt">Added later (null in older journals): when the turn became final to the conversation,
    /// where its answer's latency figures start.</param>
    public sealed record UserSaid(string Text, DateTimeOffset At, DateTimeOffset? EndAt = null, DateTimeOffset? FinalAt = null) : IOrchestratorMessage;

    /// <param name="Latency">
    /// Added later (null in older journals and for lines that answer no user turn): the figures of the
    /// turn this line answers, known when it was recorded. Rides on this event so no fragment costs a write.
    /// </param>
    public sealed record AssistantSaid(string Text, DateTimeOffset At, Orchestrator.Messages.Results.TurnLatency? Latency = null) : IOrchestratorMessage;

    /// <summary>
    /// Voice: latency figures of the answer at transcript <paramref name="Index"/> measured after it was
    /// recorded (its first audio played later), journaled with the end of the call rather than one write each.
    /// </summary>
    public sealed record ReplyLatencyRecorded(int Index, Orchestrator.Messages.Results.TurnLatency Latency) : IOrchestratorMessage;

    /// <summary>After the end: the post-call analysis forms as filled, <c>{"form": {"label": value}}</c>.</summary>
    public sealed record AnalysisFilled(System.Text.Json.Nodes.JsonObject Analysis, DateTimeOffset At) : IOrchestratorMessage;

    /// <summary>
    /// Voice: the caller interrupted the assistant's line at transcript <paramref name="Index"/>; the
    /// transcript keeps only <paramref name="PlayedText"/>, what was actually heard.
    /// </summary>
    public sealed record AssistantInterrupted(int Index, string PlayedText, DateTimeOffset At) : IOrchestratorMessage;

    /// <summary>OnClient: sent to the socket and awaited until DeadlineAt; otherwise answered at once.</summary>
    public sealed record ToolCallRequested(
        string Id, string ToolName, JsonObject Args, bool OnClient, DateTimeOffset DeadlineAt, DateTimeOffset At)
        : IOrchestratorMessage;

    public sealed record ToolCallCompleted(string Id, JsonNode? Result, string Status, DateTimeOffset At) : IOrchestratorMessage;

    /// <summary>The user was silent past the reminder threshold for the Attempt-th time.</summary>
    public sealed record SilenceDetected(int Attempt, DateTimeOffset At) : IOrchestratorMessage;

    /// <summary>The dialogue consumed its oldest pending input and moved to State.</summary>
    public sealed record DialogueAdvanced(string State) : IOrchestratorMessage;

    /// <summary>The call's media figures as it ended, recorded just before <see cref="Ended"/> so the result keeps them.</summary>
    public sealed record MediaStatisticsRecorded(Orchestrator.Messages.Results.MediaStatistics Statistics) : IOrchestratorMessage;

    public sealed record Ended(string FinishReason, string Status, string? ErrorMessage, DateTimeOffset At) : IOrchestratorMessage;

    /// <summary>The result reached the result store; the entity may passivate.</summary>
    public sealed record ResultStored(DateTimeOffset At) : IOrchestratorMessage;
}
