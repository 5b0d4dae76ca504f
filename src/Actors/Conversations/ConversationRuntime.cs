namespace Orchestrator.Actors.Conversations;

/// <summary>
/// What one incarnation of a conversation knows that is not in its journal: where the dialogue
/// is, whether a socket is linked, how far the media got, keyed digits not yet a turn. Immutable:
/// each decision returns the next one.
/// </summary>
public sealed record ConversationRuntime
{
    public bool DialogueStarted { get; init; }
    /// <summary>Sequence of the step asked for last; answers to older ones are stale.</summary>
    public long StepSeq { get; init; }
    /// <summary>From asking for a step until its events are recorded.</summary>
    public bool StepInFlight { get; init; }
    public int StepFailures { get; init; }
    public bool SocketAttached { get; init; }
    public MediaPhase Media { get; init; }
    public string DtmfDigits { get; init; } = "";
    public TimeSpan ResultBackoff { get; init; }

    public static ConversationRuntime Initial(ConversationSettings settings) => new() { ResultBackoff = settings.ResultRetryBackoff };
}

/// <summary>How far a call's media got; a chat has none.</summary>
public enum MediaPhase
{
    None,
    Starting,
    Connected,
    Gone,
}
