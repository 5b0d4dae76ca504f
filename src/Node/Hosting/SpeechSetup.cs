using Microsoft.Extensions.Options;
using Orchestrator.Actors.Voice;
using Orchestrator.Speech.Recognition;
using Orchestrator.Speech.Recognition.Pocketsphinx;
using Orchestrator.Speech.Synthesis;
using Orchestrator.Speech.Synthesis.Espeak;

namespace Orchestrator.Node.Hosting;

/// <summary>
/// The embedded speech engines: their options, what of them is usable here (logged at start-up and
/// reported by /readyz as "speech"), and voice calls that fail to open at once when they are not.
/// </summary>
public static class SpeechSetup
{
    public static IServiceCollection AddSpeechEngines(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SpeechOptions>().Bind(configuration.GetSection(SpeechOptions.Section))
            .Validate(o => o.MaxRecognizers is >= 1 and <= 1024, "Orchestrator:Speech:MaxRecognizers must be between 1 and 1024")
            .Validate(o => o.SynthesisCacheMegabytes is >= 0 and <= 4096, "Orchestrator:Speech:SynthesisCacheMegabytes must be between 0 and 4096")
            .Validate(o => !string.IsNullOrWhiteSpace(o.EspeakExecutable), "Orchestrator:Speech:EspeakExecutable must not be empty")
            .Validate(o => !string.IsNullOrWhiteSpace(o.PocketsphinxModelDirectory), "Orchestrator:Speech:PocketsphinxModelDirectory must not be empty")
            .ValidateOnStart();
        services.AddSingleton(sp => SpeechEngineStatus.Probe(
            sp.GetRequiredService<IOptions<VoiceOptions>>().Value, sp.GetRequiredService<IOptions<SpeechOptions>>().Value));
        services.AddHealthChecks().AddCheck<SpeechHealthCheck>("speech", tags: ["ready", "speech"]);
        services.AddHostedService<SpeechStartupReport>();
        return services;
    }

    /// <summary>The embedded recognizer, bounded by MaxRecognizers; a stand-in that says why when it cannot load.</summary>
    public static ISpeechRecognizer Pocketsphinx(IServiceProvider services)
    {
        var status = services.GetRequiredService<SpeechEngineStatus>();
        return status.RecognizerProblem is { } problem
            ? new UnavailableRecognizer(problem)
            : new PocketsphinxRecognizer(services.GetRequiredService<IOptions<SpeechOptions>>().Value.Pocketsphinx());
    }

    public static ISpeechSynthesizer Espeak(IServiceProvider services, string defaultVoice)
    {
        var status = services.GetRequiredService<SpeechEngineStatus>();
        var executable = services.GetRequiredService<IOptions<SpeechOptions>>().Value.EspeakExecutable;
        return status.SynthesizerProblem is { } problem
            ? new UnavailableSynthesizer(problem)
            : new EspeakSynthesizer(new EspeakOptions { DefaultVoice = defaultVoice, Executable = executable });
    }

    /// <summary>The node's synthesizer behind the synthesis cache, unless the cache is off.</summary>
    public static ISpeechSynthesizer Cached(this ISpeechSynthesizer synthesizer, IServiceProvider services) =>
        services.GetRequiredService<IOptions<SpeechOptions>>().Value.SynthesisCacheMegabytes is var mb and > 0
            ? new CachingSpeechSynthesizer(synthesizer, mb * 1024L * 1024L)
            : synthesizer;

    /// <summary>The node's voice sessions, or sessions that fail to open with the reason when speech cannot run.</summary>
    public static IVoiceSessionFactory GuardedBySpeechStatus(this IVoiceSessionFactory factory, IServiceProvider services) =>
        services.GetRequiredService<SpeechEngineStatus>().VoiceCallProblem is { } problem ? new UnavailableVoiceSessionFactory(problem) : factory;

    /// <summary>Says at start-up what voice calls can use, and what to install when something is missing.</summary>
    private sealed class SpeechStartupReport(SpeechEngineStatus status, ILogger<SpeechStartupReport> log) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (status.VoiceCallProblem is { } problem)
                log.LogWarning("{Problem}. Web and phone calls will fail to open until it is installed (scripts/run.sh installs it); chat works. Speech: {Status}",
                    problem, status.Describe());
            else if (status.OpusProblem is not null)
                log.LogWarning("Speech: {Status}", status.Describe());
            else
                log.LogInformation("Speech: {Status}", status.Describe());
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
