using Akka.Actor;
using Orchestrator.Actors.Voice;
using Orchestrator.Speech.Recognition;
using Orchestrator.Speech.Synthesis;

namespace Orchestrator.Node.Hosting;

/// <summary>
/// Voice sessions on a node whose speech engines cannot run: every call is a session that reports at
/// once that its media failed before connecting, with the reason, so the conversation takes its usual
/// failedOpen path (no dial, no offer, no wait for a timeout).
/// </summary>
public sealed class UnavailableVoiceSessionFactory(string reason) : IVoiceSessionFactory
{
    public Props WebCall(VoiceSessionSettings settings) => Props.Create(() => new UnavailableVoiceSession(reason));

    public Props PhoneCall(VoiceSessionSettings settings, PhoneDial dial) => Props.Create(() => new UnavailableVoiceSession(reason));
}

/// <summary>Tells its conversation the reason and stops; whatever else it is sent goes unanswered.</summary>
public sealed class UnavailableVoiceSession : ReceiveActor
{
    private readonly string _reason;

    public UnavailableVoiceSession(string reason)
    {
        _reason = reason;
        ReceiveAny(_ => { });
    }

    protected override void PreStart()
    {
        Context.Parent.Tell(new VoiceEvents.MediaFailed(_reason, BeforeConnect: true, RemoteHungUp: false));
        Context.Stop(Self);
    }
}

/// <summary>Stands in for an engine that cannot load, so the node starts and says why instead of crashing.</summary>
public sealed class UnavailableRecognizer(string reason) : ISpeechRecognizer
{
    public IRecognitionStream CreateStream() => throw new Orchestrator.Speech.SpeechServiceException(reason);
}

/// <inheritdoc cref="UnavailableRecognizer"/>
public sealed class UnavailableSynthesizer(string reason) : ISpeechSynthesizer
{
    public IAsyncEnumerable<short[]> SynthesizeAsync(string text, Orchestrator.Speech.Synthesis.VoiceOptions? voice = null, CancellationToken cancellationToken = default) =>
        throw new Orchestrator.Speech.SpeechServiceException(reason);
}
