using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using Akka.Hosting;
using Akka.Persistence.Sql;
using Akka.Remote.Hosting;
using LinqToDB;
using Microsoft.Extensions.Options;
using Orchestrator.Actors.Conversations;
using Orchestrator.Actors.Ports;
using Orchestrator.Actors.Sharding;
using Orchestrator.Actors.Voice;
using Orchestrator.Dialogue;
using Orchestrator.Messages;
using Orchestrator.Messages.Serialization;
using Orchestrator.Storage;
using Orchestrator.Storage.Database;

namespace Orchestrator.Node.Hosting;

/// <summary>
/// The actor system, one readable chain: serialization → remoting → clustering → persistence →
/// the conversation shard region.
/// </summary>
public static class AkkaSetup
{
    public static IServiceCollection AddConversationActors(this IServiceCollection services, IConfiguration configuration)
    {
        var clusterSettings = configuration.GetSection(ClusterSettings.Section).Get<ClusterSettings>() ?? new ClusterSettings();
        var conversationSettings = configuration.GetSection(ConversationSettings.Section).Get<ConversationSettings>() ?? new ConversationSettings();
        services.AddSingleton(conversationSettings);
        services.AddSingleton<IDialogueEngineFactory, DialogueEngineFactory>();
        services.AddSingleton<SqliteJournalInterceptor>();

        services.AddAkka(clusterSettings.SystemName, (builder, provider) =>
        {
            var storage = provider.GetRequiredService<IOptions<StorageOptions>>().Value;
            // Resolved once here: the entity factory below runs for every conversation.
            var engines = provider.GetRequiredService<IDialogueEngineFactory>();
            var results = provider.GetRequiredService<IConversationResultStore>();
            var live = provider.GetRequiredService<ILiveConversationIndex>();
            var voice = VoiceSessions(provider);
            builder
                .ConfigureLoggers(loggers => loggers.AddLoggerFactory())
                .WithCustomSerializer("orchestrator", [typeof(IOrchestratorMessage)], system => new OrchestratorSerializer(system))
                .AddHocon(PersistenceHocon(storage), HoconAddMode.Prepend)
                .WithSqliteJournalPragmas(storage, provider)
                .AddHocon(SqlPersistence.DefaultConfiguration, HoconAddMode.Append)
                .WithRemoting(new RemoteOptions
                {
                    HostName = clusterSettings.Hostname,
                    Port = clusterSettings.Port,
                    PublicHostName = clusterSettings.PublicHostname,
                })
                .WithClustering(new ClusterOptions
                {
                    SeedNodes = clusterSettings.SeedNodes,
                    Roles = ["conversation"],
                })
                .WithActorSystemLivenessCheck()
                .WithAkkaClusterReadinessCheck()
                .WithShardRegion<ConversationRegion>("conversation",
                    (system, registry, resolver) => conversationId => ConversationEntity.Props(
                        conversationId, conversationSettings, engines, results, live, voice),
                    new ConversationMessageExtractor(clusterSettings.NumberOfShards),
                    new ShardOptions
                    {
                        Role = "conversation",
                        StateStoreMode = StateStoreMode.DData,
                        HandOffStopMessage = ConversationEntity.Stop.Instance,
                        // Live conversations hold timers (tool timeouts, grace period): they end and
                        // passivate themselves instead of being stopped for idleness.
                        ShouldPassivateIdleEntities = false,
                    })
                .WithSingleton<ConversationReviverSingleton>("conversation-reviver",
                    (_, registry, _) => ConversationReviver.Props(
                        registry.Get<ConversationRegion>(), live, conversationSettings.ReviveInterval),
                    new ClusterSingletonOptions { Role = "conversation" },
                    createProxyToo: false)
                .WithDialer(provider);

            if (clusterSettings.SeedNodes.Length == 0)
            {
                // Alone: form a one-node cluster with ourselves.
                builder.AddStartup((system, _) => Cluster.Get(system).Join(Cluster.Get(system).SelfAddress));
            }
        });
        return services;
    }

    /// <summary>The voice session factory, or null when web calls are switched off on this node.</summary>
    private static IVoiceSessionFactory? VoiceSessions(IServiceProvider provider) =>
        provider.GetRequiredService<IOptions<VoiceOptions>>().Value.Enabled ? provider.GetRequiredService<IVoiceSessionFactory>() : null;

    /// <summary>On SQLite, the journal's linq2db connections get our pragmas through a connection interceptor.</summary>
    private static AkkaConfigurationBuilder WithSqliteJournalPragmas(this AkkaConfigurationBuilder builder,
        StorageOptions storage, IServiceProvider provider)
    {
        if (storage.IsPostgres) return builder;
        var options = new LinqToDB.DataOptions()
            .UseConnectionString(storage.LinqToDbProvider, SqliteDialect.NormalizeConnectionString(storage.EffectiveJournalConnectionString))
            .UseInterceptor(provider.GetRequiredService<SqliteJournalInterceptor>());
        return builder.AddSetup(new Akka.Persistence.Sql.Config.DataOptionsSetup(options));
    }

    /// <summary>The journal and snapshot store: the same PostgreSQL database, or a SQLite file of their own.</summary>
    private static Config PersistenceHocon(StorageOptions storage)
    {
        // SQLite writers must wait for each other rather than fail: the same busy timeout as the stores.
        var connectionString = storage.IsPostgres
            ? storage.EffectiveJournalConnectionString
            : SqliteDialect.NormalizeConnectionString(storage.EffectiveJournalConnectionString);
        // SQLite takes one writer at a time: parallel journal writers would only wait on each other.
        // The journal batches the events of many conversations into each write either way.
        var parallelism = storage.IsPostgres ? 3 : 1;
        var cs = connectionString.Replace("\\", "\\\\").Replace("\"", "\\\"");
        var provider = storage.LinqToDbProvider;
        var mapping = storage.IsPostgres ? "postgresql" : "sqlite";
        return ConfigurationFactory.ParseString($$"""
            akka.persistence {
              journal {
                plugin = "akka.persistence.journal.sql"
                sql {
                  connection-string = "{{cs}}"
                  provider-name = "{{provider}}"
                  table-mapping = {{mapping}}
                  auto-initialize = on
                  parallelism = {{parallelism}}
                }
              }
              snapshot-store {
                plugin = "akka.persistence.snapshot-store.sql"
                sql {
                  connection-string = "{{cs}}"
                  provider-name = "{{provider}}"
                  table-mapping = {{mapping}}
                  auto-initialize = on
                }
              }
            }
            akka.cluster.sharding.distributed-data.durable.keys = []
            akka.actor.serialize-messages = off
            """);
    }
}
