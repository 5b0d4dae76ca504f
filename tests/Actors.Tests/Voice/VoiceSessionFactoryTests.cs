using Orchestrator.Actors.Voice;
using Orchestrator.Speech.Recognition;
using Orchestrator.Speech.Synthesis;
using Orchestrator.Speech.Vendors;

namespace Orchestrator.Actors.Tests.Voice;

/// <summary>Issue 9: the factory asks the registry for each call's engines and never starts media a call cannot speak on.</summary>
public sealed class VoiceSessionFactoryTests
{
    private static VoiceSessionSettings Settings(SpeechEngineRequest? stt = null, SpeechEngineRequest? tts = null) =>
        new("en-US", null, 1.0, TimeSpan.FromMilliseconds(700), stt, tts);

    private static SpeechEngineRegistry Registry(string? pocketsphinxProblem = null) => new(new SpeechEngineDefaults(),
        pocketsphinxProblem is null
            ? EmbeddedEngine<ISpeechRecognizer>.Usable(() => new ScriptedRecognizer())
            : EmbeddedEngine<ISpeechRecognizer>.Unusable(pocketsphinxProblem),
        EmbeddedEngine<ISpeechSynthesizer>.Usable(() => new ToneSynthesizer()), () => new HttpClient());

    [Fact]
    public void A_call_whose_engines_can_run_gets_a_web_call_session()
    {
        var props = new VoiceSessionFactory(new MediaSettings(), Registry()).WebCall(Settings());
        Assert.Equal(typeof(WebCallSession), props.Type);
    }

    [Fact]
    public void A_call_whose_agent_names_an_unknown_vendor_or_a_missing_engine_gets_a_session_that_fails_at_once()
    {
        var factory = new VoiceSessionFactory(new MediaSettings(), Registry("pocketsphinx is not installed"));

        Assert.Equal(typeof(UnavailableVoiceSession), factory.WebCall(Settings(tts: new SpeechEngineRequest("azure"))).Type);
        Assert.Equal(typeof(UnavailableVoiceSession), factory.WebCall(Settings()).Type);
        // Phone calls are refused before any dial, even on a node without telephony.
        Assert.Equal(typeof(UnavailableVoiceSession), factory.PhoneCall(Settings(), new PhoneDial("+1", "t", TimeSpan.FromSeconds(30), null, null, "c")).Type);
    }
}
