using System.Collections.Immutable;
using Orchestrator.Messages.Results;
using static Orchestrator.Messages.Conversations.ConversationEvents;

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
    /// <summary>
    /// The step in flight answers a user turn whose event is still being written: the runner's answers
    /// wait in <see cref="HeldForJournal"/> until it is (a reply is never decided on an unrecorded turn).
    /// </summary>
    public bool StepAheadOfJournal { get; init; }
    public ImmutableList<IConversationInput> HeldForJournal { get; init; } = [];
    public bool SocketAttached { get; init; }
    public MediaPhase Media { get; init; }
    public string DtmfDigits { get; init; } = "";
    public TimeSpan ResultBackoff { get; init; }
    /// <summary>Voice: the reply of the step in flight is being spoken sentence by sentence as it streams.</summary>
    public StreamedSpeech? Streamed { get; init; }
    /// <summary>Phone calls: the media's latest figures, recorded when the conversation ends.</summary>
    public MediaStatistics? LatestMedia { get; init; }
    /// <summary>The far end holds the call: the silence reminders wait for it to come back.</summary>
    public bool Held { get; init; }
    /// <summary>The user turn being answered, for its latency figures (<see cref="TurnLatencies"/>).</summary>
    public TurnClock? Turn { get; init; }
    /// <summary>Voice: answers recorded before their first audio played, by transcript index, with when their turn was final.</summary>
    public ImmutableDictionary<int, DateTimeOffset> AwaitingAudio { get; init; } = ImmutableDictionary<int, DateTimeOffset>.Empty;
    /// <summary>Voice: first-audio figures measured after their answers were recorded, journaled with the end.</summary>
    public ImmutableList<ReplyLatencyRecorded> LateLatencies { get; init; } = [];

    public static ConversationRuntime Initial(ConversationSettings settings) => new() { ResultBackoff = settings.ResultRetryBackoff };
}

/// <summary>
/// A reply spoken while it streams: its sentences go to the voice session under transcript
/// <paramref name="Index"/> (where the reply will be recorded), so the recorded line is not spoken
/// again. <paramref name="Heard"/> is set once the caller cut it short: later sentences are dropped
/// and the line is recorded as what was heard.
/// </summary>
public sealed record StreamedSpeech(long Seq, int Index, string? Heard = null);

/// <summary>How far a call's media got; a chat has none.</summary>
public enum MediaPhase
{
    None,
    Starting,
    Connected,
    Gone,
}
