using Akka.Actor;
using Orchestrator.Actors.Voice;

namespace Orchestrator.Actors.Tests.Conversations;

/// <summary>
/// Stands in for the media and speech of a call: announces an offer, hands every command it gets
/// to a probe, and raises whatever event a test tells it to, as the real session would.
/// </summary>
public sealed class FakeVoiceSession : ReceiveActor
{
    public sealed record Raise(object Event);

    public FakeVoiceSession(IActorRef probe)
    {
        Receive<Raise>(r => Context.Parent.Tell(r.Event));
        ReceiveAny(command => probe.Tell(command));
    }

    protected override void PreStart() => Context.Parent.Tell(new VoiceEvents.OfferReady("v=0 fake offer"));
}

public sealed class FakeVoiceFactory(IActorRef probe) : IVoiceSessionFactory
{
    public VoiceSessionSettings? LastSettings;

    public Props WebCall(VoiceSessionSettings settings)
    {
        LastSettings = settings;
        return Props.Create(() => new FakeVoiceSession(probe));
    }

    public PhoneDial? LastDial;

    public Props PhoneCall(VoiceSessionSettings settings, PhoneDial dial)
    {
        LastSettings = settings;
        LastDial = dial;
        return Props.Create(() => new FakeVoiceSession(probe));
    }
}
