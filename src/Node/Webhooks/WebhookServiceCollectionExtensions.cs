using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orchestrator.Messages.Webhooks;
using Orchestrator.Storage.Webhooks;

namespace Orchestrator.Node.Webhooks;

public static class WebhookServiceCollectionExtensions
{
    /// <summary>The outbox sender, the start webhook client, the server tool runner and the HTTP client they share.</summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebhookOptions>().Bind(configuration.GetSection(WebhookOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>());

        // Each call sets its own time-out (10 s for deliveries, 5 s for start webhooks).
        services.AddHttpClient(WebhookPoster.ClientName, client =>
        {
            client.Timeout = System.Threading.Timeout.InfiniteTimeSpan;
            client.DefaultRequestHeaders.UserAgent.ParseAdd("Orchestrator-Webhooks/1");
        }).ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
        {
            // A redirect would turn the POST into a GET that "succeeds": a 3xx is an answer to retry, not to follow.
            AllowAutoRedirect = false,
            // Receivers move (DNS); pooled connections are renewed rather than kept forever.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        });
        services.TryAddSingleton(TimeProvider.System);
        services.AddWebhookOutbox();
        services.TryAddSingleton<WebhookPoster>();
        services.TryAddSingleton<IStartWebhookClient, StartWebhookClient>();
        services.TryAddSingleton<Orchestrator.Actors.Ports.IServerToolRunner, ServerToolRunner>();
        services.AddHostedService<WebhookSender>();
        return services;
    }

    private sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
    {
        public ValidateOptionsResult Validate(string? name, WebhookOptions options)
        {
            var problems = options.Problems().ToList();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
