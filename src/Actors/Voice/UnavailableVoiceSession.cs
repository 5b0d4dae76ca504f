using Akka.Actor;

namespace Orchestrator.Actors.Voice;

/// <summary>
/// The session of a call that cannot have its speech engines (not installed on this node, or the
/// agent's speech settings unusable): it tells its conversation at once that the media failed before
/// connecting, with the reason, so the conversation takes its usual failedOpen path (no dial, no
/// offer, no wait for a timeout), and stops. Whatever else it is sent goes unanswered.
/// </summary>
public sealed class UnavailableVoiceSession : ReceiveActor
{
    private readonly string _reason;

    public UnavailableVoiceSession(string reason)
    {
        _reason = reason;
        ReceiveAny(_ => { });
    }

    public static Props Props(string reason) => Akka.Actor.Props.Create(() => new UnavailableVoiceSession(reason));

    protected override void PreStart()
    {
        Context.Parent.Tell(new VoiceEvents.MediaFailed(_reason, BeforeConnect: true, RemoteHungUp: false));
        Context.Stop(Self);
    }
}
