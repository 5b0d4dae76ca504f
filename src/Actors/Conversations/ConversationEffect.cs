using Akka.Actor;
using Orchestrator.Actors.Voice;
using Orchestrator.Dialogue;
using Orchestrator.Messages.Conversations;

namespace Orchestrator.Actors.Conversations;

/// <summary>
/// What a decision asks the entity to do. The entity runs them in order; the decider never touches
/// an actor, a timer or a store itself.
/// </summary>
public abstract record ConversationEffect
{
    /// <summary>Answers the sender of the input being decided.</summary>
    public sealed record Reply(object Message) : ConversationEffect;

    /// <summary>Sends an output to the linked socket (held across a restart, dropped when none).</summary>
    public sealed record Emit(ConversationOutput Output) : ConversationEffect;

    /// <summary>Links a socket; one linked before is told it was taken over.</summary>
    public sealed record LinkSocket(IActorRef Socket) : ConversationEffect;

    public sealed record UnlinkSocket : ConversationEffect;

    public sealed record StartTimer(string Key, IConversationInput Input, TimeSpan Delay) : ConversationEffect;

    public sealed record CancelTimer(string Key) : ConversationEffect;

    /// <summary>Creates the dialogue engine and its runner; a config it refuses feeds OpenFailed.</summary>
    public sealed record StartDialogue : ConversationEffect;

    public sealed record RunStep(long Seq, string? State, DialogueInput Input) : ConversationEffect;

    /// <summary>Ends dialogue step <paramref name="Seq"/> now: the user talked over it (and heard <paramref name="Heard"/>), or the conversation ended.</summary>
    public sealed record CancelStep(long Seq, string? Heard = null) : ConversationEffect;

    /// <summary>Calls the webhook of server tool call <paramref name="Id"/>; its outcome comes back as ServerToolDone.</summary>
    public sealed record RunServerTool(string Id) : ConversationEffect;

    /// <summary>Creates the voice session child; when it cannot be created, OpenFailed is fed back.</summary>
    public sealed record StartVoice(VoiceSessionSettings Settings, PhoneDial? Dial) : ConversationEffect;

    public sealed record TellVoice(object Command) : ConversationEffect;

    /// <summary>Hangs up the media, if any is left.</summary>
    public sealed record StopVoice : ConversationEffect;

    /// <summary>Decides this input next, once the events of the decision that asked for it are recorded.</summary>
    public sealed record Feed(IConversationInput Input) : ConversationEffect;

    /// <summary>
    /// Decides this input as a message of its own, after those already in the mailbox. For a follow-up
    /// that records events, asked for from a handler of PersistAsync: Akka.NET can leave a Persist
    /// nested there unfinished, with everything after it stashed for good.
    /// </summary>
    public sealed record FeedLater(IConversationInput Input) : ConversationEffect;

    public sealed record SaveResult : ConversationEffect;

    /// <summary>Fills the post-call analysis with the dialogue engine; the answer comes back as AnalysisDone.</summary>
    public sealed record Analyze : ConversationEffect;

    public sealed record MarkLive(DateTimeOffset At) : ConversationEffect;

    public sealed record MarkFinished : ConversationEffect;

    public sealed record Passivate : ConversationEffect;

    public sealed record Warn(string Message) : ConversationEffect;

    /// <summary>Latency figures of an answer, to the service's meter (never journaled by this).</summary>
    public sealed record RecordLatency(string Channel, Orchestrator.Messages.Results.TurnLatency Latency) : ConversationEffect;
}
