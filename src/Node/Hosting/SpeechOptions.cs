using Orchestrator.Speech.Recognition.Pocketsphinx;

namespace Orchestrator.Node.Hosting;

/// <summary>The embedded speech engines' limits and locations, bound from "Orchestrator:Speech".</summary>
public sealed class SpeechOptions
{
    public const string Section = "Orchestrator:Speech";

    /// <summary>
    /// Recognizers (pocketsphinx decoders) the node holds at most, in use or idle; about 100 MB each with
    /// the stock en-us model. A call beyond that goes on without speech recognition (logged).
    /// </summary>
    public int MaxRecognizers { get; set; } = PocketsphinxOptions.DefaultMaxDecoders;

    /// <summary>The directory of the pocketsphinx model (Debian package pocketsphinx-en-us).</summary>
    public string PocketsphinxModelDirectory { get; set; } = PocketsphinxOptions.DebianModelDirectory;

    /// <summary>The espeak-ng program, a name on PATH or a path (Debian package espeak-ng).</summary>
    public string EspeakExecutable { get; set; } = "espeak-ng";

    /// <summary>
    /// Audio of recent syntheses kept for reuse, in megabytes (a campaign's greeting is synthesised once,
    /// not once per call); 0 turns the cache off. 64 MB holds about 35 minutes of 16 kHz speech.
    /// </summary>
    public int SynthesisCacheMegabytes { get; set; } = 64;

    internal PocketsphinxOptions Pocketsphinx() => new()
    {
        AcousticModel = Path.Combine(PocketsphinxModelDirectory, "en-us"),
        LanguageModel = Path.Combine(PocketsphinxModelDirectory, "en-us.lm.bin"),
        Dictionary = Path.Combine(PocketsphinxModelDirectory, "cmudict-en-us.dict"),
        MaxDecoders = MaxRecognizers,
    };
}
