using Orchestrator.Dialogue;

namespace Orchestrator.Actors.Conversations;

/// <summary>Marks what the entity feeds its decider besides the public commands and voice events.</summary>
public interface IConversationInput;

/// <summary>
/// The entity's own inputs: timers, the dialogue runner's answers, the result store, and the
/// follow-ups a decision asks for once its events are recorded. Local to one actor: never sent
/// over the wire, so they are not bound to the serializer.
/// </summary>
public static class ConversationInputs
{
    /// <summary>A user turn from speech or keyed digits (typed turns come as UserMessage).</summary>
    public sealed record UserTurn(string Text, DateTimeOffset At, DateTimeOffset EndAt) : IConversationInput;

    /// <summary>After Started is recorded: start the dialogue and the media, or fail to open.</summary>
    public sealed record Open : IConversationInput;

    /// <summary>Starting the dialogue or the media failed before it could run.</summary>
    public sealed record OpenFailed(string Reason) : IConversationInput;

    /// <summary>Give the dialogue its next recorded input, if it is free.</summary>
    public sealed record Continue : IConversationInput;

    /// <summary>A user turn answered ahead of its write is recorded: what its step said meanwhile is decided now.</summary>
    public sealed record TurnRecorded : IConversationInput;

    /// <summary>A step's events are recorded: the dialogue is free again.</summary>
    public sealed record StepSettled(bool ArmSilence) : IConversationInput;

    public sealed record StepDone(long Seq, DialogueStep Step) : IConversationInput;

    public sealed record StepFailed(long Seq, string Reason) : IConversationInput;

    /// <summary>A step cancelled on a barge-in ended with nothing (its engine could not end it early).</summary>
    public sealed record StepCancelled(long Seq) : IConversationInput;

    /// <summary>A streamed reply in progress (never journaled): TextSoFar, or a complete Sentence.</summary>
    public sealed record StepProgress(long Seq, string? TextSoFar, int SentenceIndex, string? Sentence) : IConversationInput;

    public sealed record ToolTimedOut(string Id) : IConversationInput;

    /// <summary>A server tool's webhook answered, or failed for good (then Result is the fallback).</summary>
    public sealed record ServerToolDone(string Id, System.Text.Json.Nodes.JsonNode? Result, string Status) : IConversationInput;

    public sealed record SocketGone : IConversationInput;

    public sealed record GraceExpired : IConversationInput;

    public sealed record MaxDurationReached : IConversationInput;

    public sealed record SilenceElapsed : IConversationInput;

    public sealed record AnswerTimedOut : IConversationInput;

    public sealed record DtmfFlush : IConversationInput;

    /// <summary>The voice session child stopped; Cause when it failed (e.g. could not start).</summary>
    public sealed record VoiceStopped(string? Cause) : IConversationInput;

    public sealed record ResultSaved : IConversationInput;

    public sealed record AnalysisDone(System.Text.Json.Nodes.JsonObject Analysis) : IConversationInput;

    public sealed record ResultSaveFailed(string Reason) : IConversationInput;

    public sealed record SaveResultAgain : IConversationInput;

    /// <summary>The journal has been replayed into the state.</summary>
    public sealed record Recovered : IConversationInput;
}

/// <summary>Timer keys, one per kind of pending timer (tool timeouts add the call id).</summary>
public static class ConversationTimers
{
    public const string Grace = "grace";
    public const string MaxDuration = "max-duration";
    public const string Silence = "silence";
    public const string SaveResult = "save-result";
    public const string Answer = "sdp-answer";
    public const string Dtmf = "dtmf";

    public static string Tool(string id) => "tool:" + id;
}
