using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Orchestrator.Storage.Webhooks;

public static class WebhookOutboxServiceCollectionExtensions
{
    /// <summary>The outbox and this node's nudge for its sender (the sender itself is the node's).</summary>
    public static IServiceCollection AddWebhookOutbox(this IServiceCollection services)
    {
        services.TryAddSingleton<WebhookOutboxSignal>();
        services.TryAddSingleton<SqlWebhookOutbox>();
        return services;
    }
}
