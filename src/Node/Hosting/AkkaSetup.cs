using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Microsoft.Extensions.Options;
using Orchestrator.Actors.Conversations;
using Orchestrator.Actors.Ports;
using Orchestrator.Actors.Sharding;
using Orchestrator.Actors.Voice;
using Orchestrator.Dialogue;
using Orchestrator.Messages;
using Orchestrator.Messages.Serialization;
using Orchestrator.Storage;

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
        services.AddSingleton<ConversationRouting>();

        services.AddAkka(clusterSettings.SystemName, (builder, provider) =>
        {
            var storage = provider.GetRequiredService<IOptions<StorageOptions>>().Value;
            // Resolved once here: the entity factory below runs for every conversation.
            var engines = provider.GetRequiredService<IDialogueEngineFactory>();
            var results = provider.GetRequiredService<IConversationResultStore>();
            var live = provider.GetRequiredService<ILiveConversationIndex>();
            var voice = VoiceSessions(provider);
            var serverTools = provider.GetService<IServerToolRunner>();
            Func<string, Akka.Actor.Props> entity = conversationId => ConversationEntity.Props(
                conversationId, conversationSettings, engines, results, live, voice, serverTools);
            builder
                .ConfigureLoggers(loggers => loggers.AddLoggerFactory())
                .WithCustomSerializer("orchestrator", [typeof(IOrchestratorMessage)], system => new OrchestratorSerializer(system))
                .WithOrchestratorPersistence(storage, provider.GetRequiredService<SqliteJournalInterceptor>())
                .WithRemoting(new RemoteOptions
                {
                    HostName = clusterSettings.Hostname,
                    Port = clusterSettings.Port,
                    PublicHostName = clusterSettings.PublicHostname,
                })
                .WithClustering(clusterSettings.ClusterOptions(roles: voice is null ? [ConversationShards.ConversationRole]
                    : [ConversationShards.ConversationRole, ConversationShards.VoiceRole]))
                .WithClusterFormation(clusterSettings)
                .WithActorSystemLivenessCheck()
                .WithAkkaClusterReadinessCheck()
                .WithShardRegion<ConversationRegion>(ConversationShards.ChatTypeName,
                    (system, registry, resolver) => entity,
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
                .WithVoiceConversationRegion(hostsVoice: voice is not null, entity)
                .WithSingleton<ConversationReviverSingleton>("conversation-reviver",
                    (system, registry, _) => ConversationReviver.Props(
                        ConversationRouter.Create(system, registry.Get<ConversationRegion>(), registry.Get<VoiceConversationRegion>()),
                        live, conversationSettings.ReviveInterval),
                    new ClusterSingletonOptions { Role = "conversation" },
                    createProxyToo: false)
                .WithDialer(provider);
        });
        return services;
    }

    /// <summary>The voice session factory, or null when web calls are switched off on this node.</summary>
    private static IVoiceSessionFactory? VoiceSessions(IServiceProvider provider) =>
        provider.GetRequiredService<IOptions<VoiceOptions>>().Value.Enabled ? provider.GetRequiredService<IVoiceSessionFactory>() : null;
}
