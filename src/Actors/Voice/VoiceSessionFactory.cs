using Akka.Actor;
using Orchestrator.Speech.Recognition;
using Orchestrator.Speech.Synthesis;
using Orchestrator.Speech.Vendors;

namespace Orchestrator.Actors.Voice;

/// <summary>
/// The node's voice sessions: one media configuration, and the speech engines each call's agent
/// names. A call whose engines cannot run gets a session that fails to open at once with the reason.
/// </summary>
public sealed class VoiceSessionFactory : IVoiceSessionFactory
{
    private readonly MediaSettings _media;
    private readonly Func<VoiceSessionSettings, SpeechEngineResolution> _engines;
    private readonly VoicePipelineOptions _pipeline;
    private readonly SipTelephony? _telephony;

    /// <summary>Engines per agent from the node's registry.</summary>
    public VoiceSessionFactory(MediaSettings media, SpeechEngineRegistry speech, VoicePipelineOptions? pipeline = null, SipTelephony? telephony = null)
        : this(media, s => speech.Resolve(s.Recognition, s.Synthesis), pipeline, telephony) { }

    /// <summary>The same two engines for every call, whatever the agent names.</summary>
    public VoiceSessionFactory(MediaSettings media, ISpeechRecognizer recognizer, ISpeechSynthesizer synthesizer, VoicePipelineOptions? pipeline = null,
        SipTelephony? telephony = null)
        : this(media, _ => SpeechEngineResolution.Of(recognizer, synthesizer), pipeline, telephony) { }

    private VoiceSessionFactory(MediaSettings media, Func<VoiceSessionSettings, SpeechEngineResolution> engines, VoicePipelineOptions? pipeline,
        SipTelephony? telephony)
    {
        _media = media;
        _engines = engines;
        _pipeline = pipeline ?? new VoicePipelineOptions();
        _telephony = telephony;
    }

    public Props WebCall(VoiceSessionSettings settings)
    {
        var engines = _engines(settings);
        if (engines.Problem is { } problem) return UnavailableVoiceSession.Props(problem);
        var (media, pipeline) = (_media, _pipeline);
        return Props.Create(() => new WebCallSession(settings, media, engines.Recognizer!, engines.Synthesizer!, pipeline));
    }

    public Props PhoneCall(VoiceSessionSettings settings, PhoneDial dial)
    {
        // Checked before dialling: a callee must not answer a call that has no voice to speak with.
        var engines = _engines(settings);
        if (engines.Problem is { } problem) return UnavailableVoiceSession.Props(problem);
        if (_telephony is not { } telephony) throw new InvalidOperationException("phone calls are not configured on this node");
        var pipeline = _pipeline;
        return Props.Create(() => new PhoneCallSession(settings, telephony, dial, engines.Recognizer!, engines.Synthesizer!, pipeline));
    }
}
