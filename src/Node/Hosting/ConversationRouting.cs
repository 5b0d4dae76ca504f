using Akka.Actor;
using Akka.Hosting;
using Orchestrator.Actors.Sharding;

namespace Orchestrator.Node.Hosting;

/// <summary>
/// The node's <see cref="ConversationRouter"/> over its two conversation regions: the one entry
/// point for everything that starts or addresses a conversation (sockets, /calls, the dialer).
/// </summary>
public sealed class ConversationRouting(ActorSystem system, IRequiredActor<ConversationRegion> chat,
    IRequiredActor<VoiceConversationRegion> voice)
{
    private ConversationRouter? _router;

    public async ValueTask<ConversationRouter> GetAsync(CancellationToken cancellationToken = default) =>
        _router ??= ConversationRouter.Create(system, await chat.GetAsync(cancellationToken), await voice.GetAsync(cancellationToken));
}

public static class ConversationRoutingSetup
{
    /// <summary>
    /// The pinned voice region (or, on a node with voice off, a proxy to the nodes that have it),
    /// registered under <see cref="VoiceConversationRegion"/>.
    /// </summary>
    public static AkkaConfigurationBuilder WithVoiceConversationRegion(this AkkaConfigurationBuilder builder,
        bool hostsVoice, Func<string, Props> entityProps) =>
        builder.WithActors((system, registry) =>
            registry.Register<VoiceConversationRegion>(ConversationShards.StartVoiceRegion(system, entityProps, hostsVoice)));
}
