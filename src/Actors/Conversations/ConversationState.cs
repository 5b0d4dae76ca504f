using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Orchestrator.Messages;
using Orchestrator.Messages.Agents;
using Orchestrator.Messages.Calls;
using Orchestrator.Messages.Results;
using static Orchestrator.Messages.Conversations.ConversationEvents;

namespace Orchestrator.Actors.Conversations;

/// <summary>
/// Everything a conversation has been through, rebuilt from its journal. Pure: the entity only
/// persists events and calls <see cref="Apply"/>; the decisions live in <see cref="ConversationDecisions"/>.
/// </summary>
public sealed record ConversationState : IOrchestratorMessage
{
    public string ConversationId { get; init; } = "";
    public Agent? Agent { get; init; }
    public string CallType { get; init; } = CallTypes.Chat;
    public JsonObject AdditionalData { get; init; } = new();
    public string? Endpoint { get; init; }
    public ImmutableList<string> ClientTools { get; init; } = [];
    public DateTimeOffset StartedAt { get; init; }
    public CallAttempt? Call { get; init; }
    public ImmutableList<TranscriptEntry> Transcript { get; init; } = [];
    public ImmutableList<ToolCallState> ToolCalls { get; init; } = [];
    /// <summary>Inputs the dialogue has not consumed yet, oldest first.</summary>
    public ImmutableList<PendingInput> PendingInputs { get; init; } = [];
    public string? DialogueState { get; init; }
    public int SilenceAttempts { get; init; }
    public Ended? End { get; init; }
    public bool ResultStored { get; init; }
    /// <summary>The post-call analysis once filled (after the end, before the result is stored).</summary>
    public JsonObject? PostCallAnalysis { get; init; }
    public MediaStatistics? MediaStatistics { get; init; }

    public bool IsStarted => Agent is not null;
    public bool IsEnded => End is not null;

    public IEnumerable<ToolCallState> PendingToolCalls => ToolCalls.Where(t => t.IsPending);

    public ToolCallState? FindToolCall(string id) => ToolCalls.FirstOrDefault(t => t.Id == id);

    public ConversationState Apply(object evt) => evt switch
    {
        Started e => this with
        {
            ConversationId = e.ConversationId, Agent = e.Agent, CallType = e.CallType,
            AdditionalData = e.AdditionalData, Endpoint = e.Endpoint, ClientTools = [.. e.ClientTools],
            StartedAt = e.At, Call = e.Call,
            PendingInputs = e.Agent.Config.Features.TalkFirst.IsEnabled ? [PendingInput.Start] : [],
        },
        UserSaid e => this with
        {
            Transcript = Transcript.Add(new TranscriptEntry(Speakers.User, e.Text, e.At, e.EndAt ?? e.At)),
            PendingInputs = PendingInputs.Add(PendingInput.User(e.Text, e.FinalAt ?? e.EndAt ?? e.At)),
            SilenceAttempts = 0,
        },
        AssistantSaid e => this with
        {
            Transcript = Transcript.Add(new TranscriptEntry(Speakers.Assistant, e.Text, e.At, e.At, e.Latency)),
        },
        ReplyLatencyRecorded e when e.Index >= 0 && e.Index < Transcript.Count => this with
        {
            Transcript = Transcript.SetItem(e.Index, Transcript[e.Index] with
            {
                Latency = Transcript[e.Index].Latency?.With(e.Latency) ?? e.Latency,
            }),
        },
        ReplyLatencyRecorded => this,
        AssistantInterrupted e when e.Index >= 0 && e.Index < Transcript.Count => this with
        {
            Transcript = Transcript.SetItem(e.Index, Transcript[e.Index] with { Text = e.PlayedText, EndTime = e.At }),
        },
        AssistantInterrupted => this,
        ToolCallRequested e => this with
        {
            ToolCalls = ToolCalls.Add(new ToolCallState(e.Id, e.ToolName, e.Args, e.OnClient, e.DeadlineAt, e.At, null, null)),
        },
        ToolCallCompleted e => CompleteTool(e),
        SilenceDetected e => this with
        {
            SilenceAttempts = e.Attempt,
            PendingInputs = PendingInputs.Add(PendingInput.Silent(e.Attempt)),
        },
        DialogueAdvanced e => this with
        {
            DialogueState = e.State,
            PendingInputs = PendingInputs.IsEmpty ? PendingInputs : PendingInputs.RemoveAt(0),
        },
        MediaStatisticsRecorded e => this with { MediaStatistics = e.Statistics },
        Ended e => this with { End = e, PendingInputs = [] },
        Messages.Conversations.ConversationEvents.ResultStored => this with { ResultStored = true },
        AnalysisFilled e => this with { PostCallAnalysis = e.Analysis },
        _ => throw new ArgumentException($"Unknown conversation event {evt.GetType().Name}", nameof(evt)),
    };

    private ConversationState CompleteTool(ToolCallCompleted e)
    {
        var call = FindToolCall(e.Id);
        if (call is null || !call.IsPending) return this;
        return this with
        {
            ToolCalls = ToolCalls.Replace(call, call with { Result = e.Result, Status = e.Status }),
            PendingInputs = PendingInputs.Add(PendingInput.Tool(e.Id, call.ToolName, e.Result, e.Status)),
        };
    }

    /// <summary>The conversation result of protocol.md, as it stands (final once ended).</summary>
    public ConversationResult ToResult(DateTimeOffset now)
    {
        var endedAt = End?.At ?? now;
        return new ConversationResult
        {
            ConversationId = ConversationId,
            AgentId = Agent?.AgentId ?? "",
            CallType = CallType,
            Status = End?.Status ?? ResultStatuses.Completed,
            FinishReason = End?.FinishReason ?? "",
            ErrorMessage = End?.ErrorMessage,
            StartedAt = StartedAt,
            EndedAt = endedAt,
            DurationSeconds = Math.Round(Math.Max(0, (endedAt - StartedAt).TotalSeconds), 3),
            Endpoint = Endpoint,
            AdditionalData = (JsonObject)AdditionalData.DeepClone(),
            // A line interrupted before any of it was heard is not part of what was said.
            Transcription = [.. Transcript.Where(t => t.Text.Length > 0)],
            ToolCalls = [.. ToolCalls.Select(t => new ToolCallRecord(
                t.Id, t.ToolName, (JsonObject)t.Args.DeepClone(), t.Result?.DeepClone(), t.Status ?? "pending"))],
            PostCallAnalysis = (JsonObject?)PostCallAnalysis?.DeepClone() ?? new JsonObject(),
            CallId = Call?.CallId,
            CampaignId = Call?.CampaignId,
            Attempt = Call?.Attempt,
            MediaStatistics = MediaStatistics,
        };
    }
}

public static class ConversationStateExtensions
{
    /// <summary>Web calls and phone calls have media; chats do not. (Not a property: snapshots stay as they are.)</summary>
    public static bool IsVoice(this ConversationState state) => state.CallType is CallTypes.WebCall or CallTypes.OnPhone;
}

public sealed record ToolCallState(
    string Id, string ToolName, JsonObject Args, bool OnClient, DateTimeOffset DeadlineAt, DateTimeOffset RequestedAt,
    JsonNode? Result, string? Status)
{
    public bool IsPending => Status is null;
}

/// <summary>An input waiting for the dialogue engine; flat so snapshots serialise plainly.</summary>
/// <param name="FinalAt">A user turn: when it was final, where its answer's latency is measured from (null in older snapshots).</param>
public sealed record PendingInput(
    string Kind, string? Text = null, string? CallId = null, string? ToolName = null, JsonNode? Result = null,
    string? Status = null, int Attempt = 0, DateTimeOffset? FinalAt = null)
{
    public static readonly PendingInput Start = new(InputKinds.Start);
    public static PendingInput User(string text, DateTimeOffset finalAt) => new(InputKinds.User, Text: text, FinalAt: finalAt);
    public static PendingInput Silent(int attempt) => new(InputKinds.Silence, Attempt: attempt);
    public static PendingInput Tool(string id, string name, JsonNode? result, string status) =>
        new(InputKinds.Tool, CallId: id, ToolName: name, Result: result, Status: status);
}

public static class InputKinds
{
    public const string Start = "start";
    public const string User = "user";
    public const string Tool = "tool";
    public const string Silence = "silence";
}

public static class Speakers
{
    public const string User = "user";
    public const string Assistant = "assistant";
}

public static class ToolStatuses
{
    public const string Ok = "ok";
    public const string Timeout = "timeout";
    public const string Error = "error";
}
