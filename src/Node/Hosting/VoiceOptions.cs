namespace Orchestrator.Node.Hosting;

/// <summary>Web-call media and the default speech engines, bound from "Orchestrator:Voice".</summary>
public sealed class VoiceOptions
{
    public const string Section = "Orchestrator:Voice";

    /// <summary>Off: web calls fail to open with a clear reason.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Where each call's UDP socket binds (loopback by default, like HTTP).</summary>
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>The address browsers are told to send media to (the public or pod address). Empty: BindAddress.</summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>Inclusive UDP port range, one port per call; 0/0 lets the system choose.</summary>
    public int PortMin { get; set; }
    public int PortMax { get; set; }

    /// <summary>Local port of the node's SIP user agent for phone calls (0: any free port).</summary>
    public int SipPort { get; set; }

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(15);
    public TimeSpan ConsentTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The recognizer of agents whose sttConfig.vendor names none: "pocketsphinx" (embedded, offline)
    /// or "openai" (an OpenAI-compatible /v1/audio/transcriptions).
    /// </summary>
    public string Recognizer { get; set; } = "pocketsphinx";

    /// <summary>The synthesizer of agents whose ttsConfig.vendor names none: "espeak" (embedded, offline) or "openai" (/v1/audio/speech).</summary>
    public string Synthesizer { get; set; } = "espeak";

    /// <summary>
    /// The node's OpenAI-compatible speech server, the API root including /v1: for the openai defaults
    /// and for every agent that names openai without an endpoint of its own. The key goes to it alone.
    /// </summary>
    public string? OpenAiBaseAddress { get; set; }
    public string? OpenAiApiKey { get; set; }

    /// <summary>The models sent to openai when the agent's sttConfig.model / ttsConfig.model name none.</summary>
    public string TranscriptionModel { get; set; } = "whisper-1";
    public string SpeechModel { get; set; } = "tts-1";

    /// <summary>espeak-ng voice when the agent names none.</summary>
    public string EspeakVoice { get; set; } = "en-us+f2";

    /// <summary>Recognition decoders loaded at start so the first calls do not wait for the model.</summary>
    public int PrewarmDecoders { get; set; } = 2;
}
