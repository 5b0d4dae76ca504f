namespace Orchestrator.Speech.Recognition.Pocketsphinx;

/// <summary>Where the models are and how often partial hypotheses are computed.</summary>
public sealed record PocketsphinxOptions
{
    public const string DebianModelDirectory = "/usr/share/pocketsphinx/model/en-us";

    public string AcousticModel { get; init; } = Path.Combine(DebianModelDirectory, "en-us");
    public string LanguageModel { get; init; } = Path.Combine(DebianModelDirectory, "en-us.lm.bin");
    public string Dictionary { get; init; } = Path.Combine(DebianModelDirectory, "cmudict-en-us.dict");

    /// <summary>A JSGF grammar instead of the language model, for constrained dialogues (optional).</summary>
    public string? Grammar { get; init; }

    /// <summary>Audio between partial hypotheses; each one costs a partial search.</summary>
    public TimeSpan PartialInterval { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>
    /// The most decoders the recognizer holds, in use or idle. Each holds its own copy of the models,
    /// about 100 MB with the stock en-us ones: the default fits k8s/'s 2 GiB pod with room for the node.
    /// A stream asked for beyond that fails at once with <see cref="RecognizersExhaustedException"/>;
    /// decoders of disposed streams are reused.
    /// </summary>
    public int MaxDecoders { get; init; } = DefaultMaxDecoders;

    public const int DefaultMaxDecoders = 8;

    /// <summary>
    /// Adds 1 LSB of noise to a quarter of the samples before feature extraction. Digital silence (what
    /// decoders and TTS emit between words) otherwise skews the live cepstral mean and costs words;
    /// measured on espeak-ng speech. Done by the stream, not by pocketsphinx's <c>-dither</c>, which
    /// draws from one random generator shared by every decoder in the process.
    /// </summary>
    public bool Dither { get; init; } = true;

    /// <summary>
    /// Where pocketsphinx writes its log (it is chatty); null or /dev/null: nowhere. The log is
    /// process-wide in sphinxbase, so the first recognizer's setting holds for the whole process.
    /// </summary>
    public string? LogFile { get; init; }

    /// <summary>Further raw pocketsphinx arguments, name then value.</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    internal IReadOnlyList<string> ToArguments()
    {
        var args = new List<string> { "-hmm", AcousticModel, "-dict", Dictionary, "-dither", "no" };
        if (Grammar is not null) args.AddRange(["-jsgf", Grammar]);
        else args.AddRange(["-lm", LanguageModel]);
        args.AddRange(ExtraArguments);
        return args;
    }
}
