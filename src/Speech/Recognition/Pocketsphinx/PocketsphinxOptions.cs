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

    /// <summary>Decoders kept loaded for reuse once their streams are disposed.</summary>
    public int MaxPooledDecoders { get; init; } = 8;

    /// <summary>
    /// Adds ±1 LSB noise before feature extraction. Digital silence (what decoders and TTS emit between
    /// words) otherwise skews the live cepstral mean and costs words; measured on espeak-ng speech.
    /// </summary>
    public bool Dither { get; init; } = true;

    /// <summary>Where pocketsphinx writes its log; it is chatty.</summary>
    public string LogFile { get; init; } = "/dev/null";

    /// <summary>Further raw pocketsphinx arguments, name then value.</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    internal IReadOnlyList<string> ToArguments()
    {
        var args = new List<string> { "-hmm", AcousticModel, "-dict", Dictionary, "-logfn", LogFile, "-dither", Dither ? "yes" : "no" };
        if (Grammar is not null) args.AddRange(["-jsgf", Grammar]);
        else args.AddRange(["-lm", LanguageModel]);
        args.AddRange(ExtraArguments);
        return args;
    }
}
