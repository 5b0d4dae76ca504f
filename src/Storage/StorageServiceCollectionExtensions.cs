using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orchestrator.Actors.Ports;
using Orchestrator.Storage.Agents;
using Orchestrator.Storage.Calls;
using Orchestrator.Storage.Conversations;
using Orchestrator.Storage.Database;
using Orchestrator.Storage.Integrations;
using Orchestrator.Storage.Results;
using Orchestrator.Storage.Telephony;
using Orchestrator.Storage.Webhooks;

namespace Orchestrator.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Agents, web integrations, tokens and results on the database of <see cref="StorageOptions"/>.
    /// Call it before the Akka wiring: its schema initializer is a hosted service and hosted services
    /// start in registration order, so the database is ready before the journal and before Kestrel serves.
    /// </summary>
    public static IServiceCollection AddOrchestratorStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.Section))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SqlDialect>(sp => CreateDialect(sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.TryAddSingleton<DatabaseInitializer>();
        services.AddHostedService(sp => sp.GetRequiredService<DatabaseInitializer>());
        services.AddHostedService<SqliteJournalFilePreparer>();

        services.TryAddSingleton<IAgentStore, SqlAgentStore>();
        services.TryAddSingleton<IWebIntegrationStore, SqlWebIntegrationStore>();
        services.TryAddSingleton<IResultStore, SqlResultStore>();
        services.TryAddSingleton<ApiKeys.IApiKeyStore, ApiKeys.SqlApiKeyStore>();
        services.TryAddSingleton<IConversationResultStore>(sp => sp.GetRequiredService<IResultStore>());
        services.TryAddSingleton<ILiveConversationIndex, SqlLiveConversationIndex>();
        services.TryAddSingleton<SqlSipTrunkStore>();
        services.TryAddSingleton<ISipTrunkStore>(sp => sp.GetRequiredService<SqlSipTrunkStore>());
        services.TryAddSingleton<ISipTrunkDirectory>(sp => sp.GetRequiredService<SqlSipTrunkStore>());
        services.AddWebhookOutbox();
        services.AddCallStorage();
        return services;
    }

    public static SqlDialect CreateDialect(StorageOptions options)
    {
        options.Validate();
        return options.IsPostgres
            ? new PostgresDialect(options.EffectiveConnectionString)
            : new SqliteDialect(options.EffectiveConnectionString);
    }

    private sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
    {
        public ValidateOptionsResult Validate(string? name, StorageOptions options)
        {
            try
            {
                options.Validate();
                return ValidateOptionsResult.Success;
            }
            catch (InvalidOperationException e)
            {
                return ValidateOptionsResult.Fail($"Invalid storage configuration: {e.Message}");
            }
        }
    }
}
