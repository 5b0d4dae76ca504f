using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Discovery.KubernetesApi;
using Akka.Hosting;
using Akka.Management;
using Akka.Management.Cluster.Bootstrap;

namespace Orchestrator.Node.Hosting;

/// <summary>
/// How this node finds its cluster, and how the cluster decides about a member it cannot reach.
/// </summary>
public static class ClusterFormation
{
    /// <summary>Clustering with the seed list (empty under Kubernetes discovery) and keep-majority.</summary>
    public static ClusterOptions ClusterOptions(this ClusterSettings settings, string[] roles) => new()
    {
        SeedNodes = settings.UsesKubernetes ? [] : settings.SeedNodes,
        Roles = roles,
        // Keep-majority: on a partition the side with more nodes survives and downs the other; a
        // killed node is downed by the rest. No lease implementation is on the mirror (no lease-majority).
        SplitBrainResolver = new KeepMajorityOption(),
    };

    public static AkkaConfigurationBuilder WithClusterFormation(this AkkaConfigurationBuilder builder, ClusterSettings settings)
    {
        settings.Validate();
        builder.WithShutdownAfterDrain();
        builder.AddHocon($"akka.cluster.split-brain-resolver.stable-after = {(int)settings.StableAfter.TotalMilliseconds}ms",
            HoconAddMode.Prepend);
        // A region re-registers with a coordinator that moved, and re-sends what it buffered, on
        // this tick: Akka's 2 s is most of the wait after the coordinator has started on a survivor.
        builder.AddHocon("akka.cluster.sharding.retry-interval = 500ms", HoconAddMode.Prepend);
        // 0 would mean "off" to Akka, which then falls back to stable-after: 1 ms is the least.
        builder.AddHocon($"akka.cluster.down-removal-margin = {Math.Max(1, (int)settings.DownRemovalMargin.TotalMilliseconds)}ms",
            HoconAddMode.Prepend);

        if (settings.UsesKubernetes)
        {
            // Contact points are the pods labelled app=<ServiceName>, reached on their management port.
            return builder
                .WithAkkaManagement(new AkkaManagementOptions
                {
                    HostName = settings.PublicHostname ?? settings.Hostname,
                    Port = settings.ManagementPort,
                    BindHostName = "0.0.0.0",
                    BindPort = settings.ManagementPort,
                })
                .WithClusterBootstrap(bootstrap =>
                {
                    bootstrap.ContactPointDiscovery.ServiceName = settings.ServiceName;
                    bootstrap.ContactPointDiscovery.PortName = "management";
                    bootstrap.ContactPointDiscovery.RequiredContactPointsNr = settings.RequiredContactPoints;
                })
                .WithKubernetesDiscovery(new KubernetesDiscoveryOptions { PodLabelSelector = "app={0}" });
        }

        if (settings.SeedNodes.Length == 0)
        {
            // Alone: form a one-node cluster with ourselves.
            builder.AddStartup((system, _) => Akka.Cluster.Cluster.Get(system).Join(Akka.Cluster.Cluster.Get(system).SelfAddress));
        }
        return builder;
    }
}
