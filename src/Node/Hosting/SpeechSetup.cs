using Microsoft.Extensions.Options;
using Orchestrator.Speech.Recognition;
using Orchestrator.Speech.Recognition.Pocketsphinx;
using Orchestrator.Speech.Synthesis;
using Orchestrator.Speech.Synthesis.Espeak;
using Orchestrator.Speech.Vendors;

namespace Orchestrator.Node.Hosting;

/// <summary>
/// The speech engines: their options, the registry that gives each call the engines its agent names
/// (the node's settings as defaults), what of them is usable here (logged at start-up and reported by
/// /readyz as "speech").
/// </summary>
public static class SpeechSetup
{
    /// <summary>The IHttpClientFactory client of the OpenAI-compatible speech engines (pooled connections for every call).</summary>
    public const string HttpClientName = "speech";

    public static IServiceCollection AddSpeechEngines(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SpeechOptions>().Bind(configuration.GetSection(SpeechOptions.Section))
            .Validate(o => o.MaxRecognizers is >= 1 and <= 1024, "Orchestrator:Speech:MaxRecognizers must be between 1 and 1024")
            .Validate(o => o.SynthesisCacheMegabytes is >= 0 and <= 4096, "Orchestrator:Speech:SynthesisCacheMegabytes must be between 0 and 4096")
            .Validate(o => !string.IsNullOrWhiteSpace(o.EspeakExecutable), "Orchestrator:Speech:EspeakExecutable must not be empty")
            .Validate(o => !string.IsNullOrWhiteSpace(o.PocketsphinxModelDirectory), "Orchestrator:Speech:PocketsphinxModelDirectory must not be empty")
            .ValidateOnStart();
        services.AddSingleton(sp => SpeechEngineStatus.Probe(sp.GetRequiredService<IOptions<SpeechOptions>>().Value));
        services.AddHttpClient(HttpClientName);
        services.AddSingleton(Registry);
        services.AddHealthChecks().AddCheck<SpeechHealthCheck>("speech", tags: ["ready", "speech"]);
        services.AddHostedService<SpeechStartupReport>();
        return services;
    }

    private static SpeechEngineRegistry Registry(IServiceProvider services)
    {
        var voice = services.GetRequiredService<IOptions<VoiceOptions>>().Value;
        var speech = services.GetRequiredService<IOptions<SpeechOptions>>().Value;
        var status = services.GetRequiredService<SpeechEngineStatus>();
        var clients = services.GetRequiredService<IHttpClientFactory>();
        var defaults = new SpeechEngineDefaults
        {
            Recognizer = voice.Recognizer,
            Synthesizer = voice.Synthesizer,
            OpenAiBaseAddress = string.IsNullOrEmpty(voice.OpenAiBaseAddress) ? null : new Uri(voice.OpenAiBaseAddress),
            OpenAiApiKey = voice.OpenAiApiKey,
            TranscriptionModel = voice.TranscriptionModel,
            SpeechModel = voice.SpeechModel,
        };
        // The recognizer is bounded by MaxRecognizers and loads its model on first use (or in the prewarm).
        var pocketsphinx = status.PocketsphinxProblem is { } missingRecognizer
            ? EmbeddedEngine<ISpeechRecognizer>.Unusable(missingRecognizer)
            : EmbeddedEngine<ISpeechRecognizer>.Usable(() => new PocketsphinxRecognizer(speech.Pocketsphinx()));
        var espeak = status.EspeakProblem is { } missingSynthesizer
            ? EmbeddedEngine<ISpeechSynthesizer>.Unusable(missingSynthesizer)
            : EmbeddedEngine<ISpeechSynthesizer>.Usable(() => new EspeakSynthesizer(
                new EspeakOptions { DefaultVoice = voice.EspeakVoice, Executable = speech.EspeakExecutable }));
        var cache = speech.SynthesisCacheMegabytes > 0 ? new SynthesisCache(speech.SynthesisCacheMegabytes * 1024L * 1024L) : null;
        return new SpeechEngineRegistry(defaults, pocketsphinx, espeak, () => clients.CreateClient(HttpClientName), cache);
    }

    /// <summary>Says at start-up what voice calls can use, and what to install when something is missing.</summary>
    private sealed class SpeechStartupReport(SpeechEngineStatus status, SpeechEngineRegistry registry, ILogger<SpeechStartupReport> log) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (registry.DefaultsProblem is { } problem)
                log.LogWarning("{Problem}. Web and phone calls of agents that use the node's default speech engines will fail to open until it is installed "
                    + "(scripts/run.sh installs it); chat works. Speech: {Status}", problem, status.Describe(registry));
            else if (status.OpusProblem is not null)
                log.LogWarning("Speech: {Status}", status.Describe(registry));
            else
                log.LogInformation("Speech: {Status}", status.Describe(registry));
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
