using System.Net;
using Microsoft.Extensions.Options;
using Orchestrator.Actors.Voice;
using Orchestrator.Speech;
using Orchestrator.Speech.Recognition;
using Orchestrator.Speech.Recognition.OpenAi;
using Orchestrator.Speech.Recognition.Pocketsphinx;
using Orchestrator.Speech.Synthesis;
using Orchestrator.Speech.Synthesis.Espeak;
using Orchestrator.Speech.Synthesis.OpenAi;

namespace Orchestrator.Node.Hosting;

/// <summary>Web calls: media settings and the speech engines behind the voice sessions.</summary>
public static class VoiceSetup
{
    public static IServiceCollection AddVoice(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<VoiceOptions>().Bind(configuration.GetSection(VoiceOptions.Section))
            .Validate(o => IPAddress.TryParse(o.BindAddress, out _), "Orchestrator:Voice:BindAddress must be an IP address")
            .Validate(o => string.IsNullOrEmpty(o.AdvertisedAddress) || IPAddress.TryParse(o.AdvertisedAddress, out _),
                "Orchestrator:Voice:AdvertisedAddress must be an IP address")
            .Validate(o => o.Recognizer is "pocketsphinx" or "openai", "Orchestrator:Voice:Recognizer must be pocketsphinx or openai")
            .Validate(o => o.Synthesizer is "espeak" or "openai", "Orchestrator:Voice:Synthesizer must be espeak or openai")
            .Validate(o => (o.Recognizer != "openai" && o.Synthesizer != "openai") || Uri.IsWellFormedUriString(o.OpenAiBaseAddress, UriKind.Absolute),
                "Orchestrator:Voice:OpenAiBaseAddress is required for the openai engines")
            .ValidateOnStart();

        services.AddSingleton<ISpeechRecognizer>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<VoiceOptions>>().Value;
            return o.Recognizer == "openai"
                ? new OpenAiTranscriptionRecognizer(new HttpClient(), OpenAi(o, o.TranscriptionModel))
                : SpeechSetup.Pocketsphinx(sp);
        });
        services.AddSingleton<ISpeechSynthesizer>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<VoiceOptions>>().Value;
            ISpeechSynthesizer engine = o.Synthesizer == "openai"
                ? new OpenAiSpeechSynthesizer(new HttpClient(), OpenAi(o, o.SpeechModel))
                : SpeechSetup.Espeak(sp, o.EspeakVoice);
            return engine is UnavailableSynthesizer ? engine : engine.Cached(sp);
        });
        services.AddSingleton<IVoiceSessionFactory>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<VoiceOptions>>().Value;
            var media = new MediaSettings
            {
                BindAddress = IPAddress.Parse(o.BindAddress),
                AdvertisedAddress = string.IsNullOrEmpty(o.AdvertisedAddress) ? null : IPAddress.Parse(o.AdvertisedAddress),
                PortMin = o.PortMin,
                PortMax = o.PortMax,
                ConnectTimeout = o.ConnectTimeout,
                ConsentTimeout = o.ConsentTimeout,
            };
            return new VoiceSessionFactory(media, sp.GetRequiredService<ISpeechRecognizer>(), sp.GetRequiredService<ISpeechSynthesizer>(),
                telephony: sp.GetRequiredService<SipTelephony>()).GuardedBySpeechStatus(sp);
        });
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<VoiceOptions>>().Value;
            var bind = IPAddress.Parse(o.BindAddress);
            return new SipTelephony(sp.GetRequiredService<Orchestrator.Actors.Ports.ISipTrunkDirectory>(), new SipTelephonyOptions
            {
                UserAgent = new Orchestrator.Media.Sip.Calls.SipUserAgentOptions
                {
                    BindAddress = bind,
                    Port = o.SipPort,
                    AdvertisedHost = string.IsNullOrEmpty(o.AdvertisedAddress) ? null : o.AdvertisedAddress,
                    MediaAddress = string.IsNullOrEmpty(o.AdvertisedAddress) ? null : IPAddress.Parse(o.AdvertisedAddress),
                },
                Rtp = new Orchestrator.Media.Rtp.RtpSessionOptions { BindAddress = bind, PortMin = o.PortMin, PortMax = o.PortMax },
            }, sp.GetService<Orchestrator.Actors.Dialer.Gate.IDialGate>());
        });
        services.AddHostedService<RecognizerPrewarm>();
        services.AddSpeechEngines(configuration);
        return services;
    }

    private static OpenAiCompatibleOptions OpenAi(VoiceOptions o, string model) => new()
    {
        BaseAddress = new Uri(o.OpenAiBaseAddress!), ApiKey = o.OpenAiApiKey, Model = model,
    };

    /// <summary>Loads recognition models in the background at start, so the first calls do not wait.</summary>
    private sealed class RecognizerPrewarm(IOptions<VoiceOptions> options, IServiceProvider services, ILogger<RecognizerPrewarm> log)
        : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            var o = options.Value;
            if (!o.Enabled || o.PrewarmDecoders <= 0) return Task.CompletedTask;
            _ = Task.Run(() =>
            {
                try
                {
                    if (services.GetRequiredService<ISpeechRecognizer>() is PocketsphinxRecognizer pocketsphinx)
                        pocketsphinx.Prewarm(o.PrewarmDecoders);
                }
                catch (Exception ex)
                {
                    // Voice calls will still try per call and report their own errors.
                    log.LogWarning(ex, "Could not load the speech recognizer; web calls will not recognise speech until it is installed");
                }
            }, CancellationToken.None);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
