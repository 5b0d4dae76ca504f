using System.Net;
using Microsoft.Extensions.Options;
using Orchestrator.Actors.Voice;
using Orchestrator.Speech.Recognition.Pocketsphinx;
using Orchestrator.Speech.Vendors;

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
            .Validate(o => SpeechVendors.Recognizers.Contains(o.Recognizer), "Orchestrator:Voice:Recognizer must be pocketsphinx or openai")
            .Validate(o => SpeechVendors.Synthesizers.Contains(o.Synthesizer), "Orchestrator:Voice:Synthesizer must be espeak or openai")
            .Validate(o => (o.Recognizer != SpeechVendors.OpenAi && o.Synthesizer != SpeechVendors.OpenAi) || !string.IsNullOrEmpty(o.OpenAiBaseAddress),
                "Orchestrator:Voice:OpenAiBaseAddress is required when Recognizer or Synthesizer is openai")
            // Also when neither default is openai: agents that name openai without an endpoint of their own use it.
            .Validate(o => string.IsNullOrEmpty(o.OpenAiBaseAddress)
                    || (Uri.TryCreate(o.OpenAiBaseAddress, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"),
                "Orchestrator:Voice:OpenAiBaseAddress must be an http(s) URL such as https://api.openai.com/v1")
            .ValidateOnStart();

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
            return new VoiceSessionFactory(media, sp.GetRequiredService<SpeechEngineRegistry>(), telephony: sp.GetRequiredService<SipTelephony>());
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
                    // Only for the default: a node whose agents use a remote recognizer should not hold pocketsphinx models.
                    var pocketsphinx = services.GetRequiredService<SpeechEngineRegistry>().Pocketsphinx;
                    if (o.Recognizer == SpeechVendors.Pocketsphinx && pocketsphinx.Problem is null && pocketsphinx.Engine is PocketsphinxRecognizer recognizer)
                        recognizer.Prewarm(o.PrewarmDecoders);
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
