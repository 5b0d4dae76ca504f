using Orchestrator.Speech.Recognition;
using Orchestrator.Speech.Recognition.OpenAi;
using Orchestrator.Speech.Synthesis;
using Orchestrator.Speech.Synthesis.OpenAi;

namespace Orchestrator.Speech.Vendors;

/// <summary>
/// The speech engines of a node, per agent: built once from the node's settings, it gives each call
/// the recognizer and synthesizer its agent names (<c>sttConfig</c>/<c>ttsConfig</c>), the node's
/// defaults for what the agent leaves out. The embedded engines are one per node; an OpenAI-compatible
/// engine is a thin object made per call over the shared HTTP clients of <paramref name="http"/>.
/// Every synthesizer goes through the one <paramref name="cache"/>, filed under its engine (vendor,
/// endpoint, model), so two vendors never share cached audio.
/// </summary>
public sealed class SpeechEngineRegistry(
    SpeechEngineDefaults defaults,
    EmbeddedEngine<ISpeechRecognizer> pocketsphinx,
    EmbeddedEngine<ISpeechSynthesizer> espeak,
    Func<HttpClient> http,
    SynthesisCache? cache = null)
{
    /// <summary>The prefix of a reason naming an engine this node cannot run (kept: operators and tests look for it).</summary>
    public const string UnavailablePrefix = "Voice calls are not available on this node: ";

    public const string BadSettingsPrefix = "The agent's speech settings cannot be used: ";

    public SpeechEngineDefaults Defaults => defaults;
    public EmbeddedEngine<ISpeechRecognizer> Pocketsphinx => pocketsphinx;
    public EmbeddedEngine<ISpeechSynthesizer> Espeak => espeak;

    /// <summary>
    /// What is wrong with an agent's request whatever node it runs on, as (field, message) with the
    /// field relative to the <c>sttConfig</c>/<c>ttsConfig</c> object: an unknown vendor, a malformed
    /// endpoint, openai with no endpoint from the agent or this node. An embedded engine missing on
    /// this node is not among them: it is a node's problem, not the agent's.
    /// </summary>
    public IEnumerable<(string Field, string Message)> Check(SpeechEngineKind kind, SpeechEngineRequest? request)
    {
        request ??= SpeechEngineRequest.Default;
        var allowed = SpeechVendors.Of(kind);
        var vendor = request.NormalizedVendor;
        if (request.Vendor is not null && (vendor is null || !allowed.Contains(vendor)))
        {
            yield return ("vendor", $"vendor must be one of: {string.Join(", ", allowed)}.");
            yield break;
        }
        if (request.Endpoint is not null && !IsHttpUrl(request.Endpoint))
            yield return ("endpoint", "endpoint must be an http(s) URL such as https://api.openai.com/v1.");
        else if ((vendor ?? DefaultVendor(kind)) == SpeechVendors.OpenAi && request.Endpoint is null && defaults.OpenAiBaseAddress is null)
            yield return ("endpoint",
                "The openai vendor needs an endpoint (an OpenAI-compatible API root such as https://api.openai.com/v1): this node has no default one.");
    }

    /// <summary>The engines of one call, or the reason it cannot open (so it fails at once, not on its first line).</summary>
    public SpeechEngineResolution Resolve(SpeechEngineRequest? recognition, SpeechEngineRequest? synthesis)
    {
        recognition ??= SpeechEngineRequest.Default;
        synthesis ??= SpeechEngineRequest.Default;
        if (Problem(recognition, synthesis) is { } problem) return SpeechEngineResolution.Failed(problem);

        var sttVendor = recognition.NormalizedVendor ?? defaults.Recognizer;
        var ttsVendor = synthesis.NormalizedVendor ?? defaults.Synthesizer;
        ISpeechRecognizer recognizer = sttVendor == SpeechVendors.OpenAi
            ? new OpenAiTranscriptionRecognizer(http(), OpenAi(recognition, defaults.TranscriptionModel))
            : pocketsphinx.Engine;
        ISpeechSynthesizer synthesizer;
        string engineKey;
        if (ttsVendor == SpeechVendors.OpenAi)
        {
            var options = OpenAi(synthesis, defaults.SpeechModel);
            synthesizer = new OpenAiSpeechSynthesizer(http(), options);
            engineKey = $"{SpeechVendors.OpenAi} {options.BaseAddress} {options.Model}";
        }
        else
        {
            synthesizer = espeak.Engine;
            engineKey = SpeechVendors.Espeak;
        }
        return SpeechEngineResolution.Of(recognizer, cache is null ? synthesizer : new CachingSpeechSynthesizer(synthesizer, cache, engineKey));
    }

    /// <summary>The vendors' state for the start-up log and /readyz, e.g. <c>recognizer pocketsphinx: usable (default)</c>.</summary>
    public IEnumerable<string> Describe()
    {
        var node = defaults.OpenAiBaseAddress is null
            ? "only agents that name their own endpoint (the node has none)"
            : "usable with the node's endpoint or the agent's";
        foreach (var (kind, label) in new[] { (SpeechEngineKind.Recognizer, "recognizer"), (SpeechEngineKind.Synthesizer, "synthesizer") })
            foreach (var vendor in SpeechVendors.Of(kind))
            {
                var state = vendor switch
                {
                    SpeechVendors.Pocketsphinx => pocketsphinx.Problem ?? "usable",
                    SpeechVendors.Espeak => espeak.Problem ?? "usable",
                    _ => node,
                };
                yield return $"{label} {vendor}: {state}{(vendor == DefaultVendor(kind) ? " (default)" : "")}";
            }
    }

    /// <summary>Why the node's default engines cannot run, or null: what an agent naming no vendor would meet.</summary>
    public string? DefaultsProblem => Problem(SpeechEngineRequest.Default, SpeechEngineRequest.Default);

    /// <summary>Why a call with these requests cannot have its engines, without creating any.</summary>
    public string? Problem(SpeechEngineRequest recognition, SpeechEngineRequest synthesis)
    {
        var invalid = Check(SpeechEngineKind.Recognizer, recognition).Select(p => $"sttConfig.{p.Field}: {p.Message}")
            .Concat(Check(SpeechEngineKind.Synthesizer, synthesis).Select(p => $"ttsConfig.{p.Field}: {p.Message}")).ToList();
        if (invalid.Count > 0) return BadSettingsPrefix + string.Join(" ", invalid);

        var missing = new[]
        {
            (recognition.NormalizedVendor ?? defaults.Recognizer) == SpeechVendors.Pocketsphinx ? pocketsphinx.Problem : null,
            (synthesis.NormalizedVendor ?? defaults.Synthesizer) == SpeechVendors.Espeak ? espeak.Problem : null,
        }.OfType<string>().ToList();
        return missing.Count > 0 ? UnavailablePrefix + string.Join("; ", missing) : null;
    }

    private string DefaultVendor(SpeechEngineKind kind) => kind == SpeechEngineKind.Recognizer ? defaults.Recognizer : defaults.Synthesizer;

    private OpenAiCompatibleOptions OpenAi(SpeechEngineRequest request, string defaultModel)
    {
        // An agent's own endpoint goes with its own key only: the node's key is never sent to a server the agent chose.
        var own = request.Endpoint is not null;
        return new OpenAiCompatibleOptions
        {
            BaseAddress = own ? new Uri(request.Endpoint!) : defaults.OpenAiBaseAddress!,
            ApiKey = own ? request.ApiKey : request.ApiKey ?? defaults.OpenAiApiKey,
            Model = string.IsNullOrWhiteSpace(request.Model) ? defaultModel : request.Model,
        };
    }

    private static bool IsHttpUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
