using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using Orchestrator.Actors.Dialer;
using Orchestrator.Actors.Dialer.Gate;
using Orchestrator.Actors.Dialer.Ports;
using Orchestrator.Actors.Ports;
using Orchestrator.Actors.Sharding;

namespace Orchestrator.Node.Hosting;

/// <summary>Marker for the dial gate singleton's proxy in the actor registry.</summary>
public sealed class DialGateSingleton;

/// <summary>Marker for the call dispatcher singleton's proxy in the actor registry.</summary>
public sealed class CallDispatcherSingleton;

/// <summary>The outbound dialer: its settings and services, and its two cluster singletons (the dial gate and the dispatcher).</summary>
public static class DialerSetup
{
    public static IServiceCollection AddDialer(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection(DispatcherSettings.Section).Get<DispatcherSettings>() ?? new DispatcherSettings());
        services.AddSingleton(configuration.GetSection(DialGateSettings.Section).Get<DialGateSettings>() ?? new DialGateSettings());
        services.AddSingleton<ICallLifecycleNotifier, Webhooks.WebhookCallLifecycleNotifier>();
        services.AddSingleton<IDialGate>(sp => new ClusterDialGate(() =>
        {
            var system = sp.GetRequiredService<ActorSystem>();
            return (system, ActorRegistry.For(system).Get<DialGateSingleton>());
        }, sp.GetRequiredService<DialGateSettings>()));
        return services;
    }

    /// <summary>Both singletons run on conversation nodes; every node gets proxies to them.</summary>
    public static AkkaConfigurationBuilder WithDialer(this AkkaConfigurationBuilder builder, IServiceProvider provider)
    {
        var gateSettings = provider.GetRequiredService<DialGateSettings>();
        var settings = provider.GetRequiredService<DispatcherSettings>();
        var time = provider.GetService<TimeProvider>() ?? TimeProvider.System;
        return builder
            .WithSingleton<DialGateSingleton>("dial-gate", (_, _, _) => DialGateActor.Props(gateSettings, time),
                new ClusterSingletonOptions { Role = "conversation" })
            .WithSingleton<CallDispatcherSingleton>("call-dispatcher", (_, registry, _) =>
                {
                    var round = new DispatchRound(provider.GetRequiredService<ICallQueue>(), provider.GetRequiredService<IDialerAgents>(),
                        provider.GetRequiredService<IDialerCampaigns>(),
                        provider.GetRequiredService<ISipTrunkDirectory>(), registry.Get<DialGateSingleton>(),
                        new ConversationStarter(registry.Get<ConversationRegion>(), settings.AskTimeout),
                        provider.GetRequiredService<ICallLifecycleNotifier>(), settings, time);
                    return CallDispatcher.Props(round, settings);
                },
                new ClusterSingletonOptions { Role = "conversation" });
    }
}
