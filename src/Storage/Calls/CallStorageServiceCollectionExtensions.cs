using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orchestrator.Actors.Dialer.Ports;

namespace Orchestrator.Storage.Calls;

public static class CallStorageServiceCollectionExtensions
{
    /// <summary>The call queue: one store behind the REST side and the dispatcher's side.</summary>
    public static IServiceCollection AddCallStorage(this IServiceCollection services)
    {
        services.TryAddSingleton<SqlCallStore>();
        services.TryAddSingleton<ICallStore>(sp => sp.GetRequiredService<SqlCallStore>());
        services.TryAddSingleton<ICallQueue>(sp => sp.GetRequiredService<SqlCallStore>());
        services.TryAddSingleton<IDialerAgents, StoreDialerAgents>();
        services.TryAddSingleton<Campaigns.SqlCampaignStore>();
        services.TryAddSingleton<Campaigns.ICampaignStore>(sp => sp.GetRequiredService<Campaigns.SqlCampaignStore>());
        services.TryAddSingleton<IDialerCampaigns>(sp => sp.GetRequiredService<Campaigns.SqlCampaignStore>());
        return services;
    }
}
