using System.Collections.Immutable;
using Orchestrator.Actors.Voice;
using Orchestrator.Messages.Results;
using static Orchestrator.Messages.Conversations.ConversationEvents;

namespace Orchestrator.Actors.Conversations;

/// <summary>
/// The clock of the user turn being answered: when it was final, and when its answer's first
/// token, first sentence and first audio came. Runtime only: the figures are journaled on the
/// answer's <see cref="AssistantSaid"/> (or, for audio that played after it, with the end).
/// </summary>
public sealed record TurnClock(DateTimeOffset FinalAt, DateTimeOffset? FirstTokenAt = null, DateTimeOffset? FirstSentenceAt = null,
    DateTimeOffset? FirstAudioAt = null);

/// <summary>Pure rules for the per-turn latency figures of the result (<c>transcription[].latency</c>).</summary>
public static class TurnLatencies
{
    /// <summary>
    /// A step starts: a user turn starts a clock; a tool result keeps the clock of the turn whose
    /// tools it answers (its reply is still the answer to that turn); anything else answers no turn.
    /// </summary>
    public static ConversationRuntime Begin(ConversationRuntime runtime, PendingInput next) => next.Kind switch
    {
        InputKinds.User => runtime with { Turn = next.FinalAt is { } at ? new TurnClock(at) : null },
        InputKinds.Tool => runtime,
        _ => runtime with { Turn = null },
    };

    /// <summary>A streamed fragment of the step in flight: the first text is the first token, the first sentence its own.</summary>
    public static ConversationRuntime Progress(ConversationRuntime runtime, ConversationInputs.StepProgress progress, DateTimeOffset now)
    {
        if (runtime.Turn is not { } turn) return runtime;
        if (progress.TextSoFar is { Length: > 0 } && turn.FirstTokenAt is null) turn = turn with { FirstTokenAt = now };
        if (progress.Sentence is { Length: > 0 } && turn.FirstSentenceAt is null) turn = turn with { FirstSentenceAt = now };
        return runtime with { Turn = turn };
    }

    /// <summary>
    /// The first line a step says answers the turn on the clock: it carries the figures so far (a
    /// reply that did not stream was ready whole, so its first sentence is now). Voice: a reply whose
    /// audio has not started yet waits for it under its transcript index.
    /// </summary>
    public static (IReadOnlyList<object> Events, ConversationRuntime Runtime) Answer(
        ConversationState state, ConversationRuntime runtime, IReadOnlyList<object> events, DateTimeOffset now)
    {
        if (runtime.Turn is not { } turn) return (events, runtime);
        var at = -1;
        for (var i = 0; i < events.Count && at < 0; i++)
            if (events[i] is AssistantSaid) at = i;
        if (at < 0) return (events, runtime); // only tool calls: the answer comes in a later step
        var latency = new TurnLatency
        {
            FirstTokenMs = turn.FirstTokenAt is { } token ? TurnLatency.Between(turn.FinalAt, token) : null,
            FirstSentenceMs = TurnLatency.Between(turn.FinalAt, turn.FirstSentenceAt ?? now),
            FirstAudioMs = turn.FirstAudioAt is { } audio ? TurnLatency.Between(turn.FinalAt, audio) : null,
        };
        var answered = events.ToList();
        answered[at] = ((AssistantSaid)answered[at]) with { Latency = latency };
        runtime = runtime with { Turn = null };
        if (state.IsVoice() && turn.FirstAudioAt is null)
            runtime = runtime with { AwaitingAudio = runtime.AwaitingAudio.SetItem(state.Transcript.Count, turn.FinalAt) };
        return (answered, runtime);
    }

    /// <summary>
    /// A line finished playing: if it is the answer to a turn and the first of it the caller heard,
    /// its start is the turn's first audio. Measured before the answer is recorded (a streamed
    /// sentence), it joins the clock; after, it is kept for the end and returned for the meter.
    /// </summary>
    public static (ConversationRuntime Runtime, TurnLatency? Late) Audio(ConversationRuntime runtime, VoiceEvents.SpeechFinished finished)
    {
        if (finished.PlayedText.Length == 0) return (runtime, null); // nothing of it was played
        if (runtime.Streamed is { } streamed && streamed.Index == finished.Index && runtime.Turn is { FirstAudioAt: null } turn)
            return (runtime with { Turn = turn with { FirstAudioAt = finished.StartedAt } }, null);
        if (!runtime.AwaitingAudio.TryGetValue(finished.Index, out var finalAt)) return (runtime, null);
        var late = new TurnLatency { FirstAudioMs = TurnLatency.Between(finalAt, finished.StartedAt) };
        return (runtime with
        {
            AwaitingAudio = runtime.AwaitingAudio.Remove(finished.Index),
            LateLatencies = runtime.LateLatencies.Add(new ReplyLatencyRecorded(finished.Index, late)),
        }, late);
    }

    /// <summary>Figures measured after their answers were recorded are journaled just before the end, in its write.</summary>
    public static Decision KeepLate(Decision decision)
    {
        if (decision.Runtime.LateLatencies.IsEmpty) return decision;
        var end = -1;
        for (var i = 0; i < decision.Events.Length && end < 0; i++)
            if (decision.Events[i] is Ended) end = i;
        if (end < 0) return decision;
        return decision with
        {
            Events = decision.Events.InsertRange(end, decision.Runtime.LateLatencies),
            Runtime = decision.Runtime with { LateLatencies = [], AwaitingAudio = ImmutableDictionary<int, DateTimeOffset>.Empty },
        };
    }
}
