namespace Orchestrator.Node.Hosting;

/// <summary>
/// Bound from "Orchestrator:Cluster". The cluster forms from a static seed list (bare machines,
/// tests), from Kubernetes API discovery through Akka.Management's Cluster Bootstrap, or, with
/// neither, the node forms a cluster of its own.
/// </summary>
public sealed class ClusterSettings
{
    public const string Section = "Orchestrator:Cluster";

    public string SystemName { get; set; } = "orchestrator";
    public string Hostname { get; set; } = "127.0.0.1";
    /// <summary>0 picks a free port (fine alone; a cluster needs fixed ports).</summary>
    public int Port { get; set; }
    public string? PublicHostname { get; set; }
    public string[] SeedNodes { get; set; } = [];
    /// <summary>Never change while a cluster lives: about ten per node at the largest size planned.</summary>
    public int NumberOfShards { get; set; } = 100;

    /// <summary>"seeds" (the seed list, or alone without one) or "kubernetes" (Cluster Bootstrap).</summary>
    public string Discovery { get; set; } = ClusterDiscovery.Seeds;

    /// <summary>Akka.Management's HTTP port, which Cluster Bootstrap's contact points answer on.</summary>
    public int ManagementPort { get; set; } = 8558;

    /// <summary>Pods labelled <c>app=&lt;ServiceName&gt;</c> are the contact points.</summary>
    public string ServiceName { get; set; } = "orchestrator";

    /// <summary>Contact points that must be found before a brand-new cluster is formed (the replica count is safest).</summary>
    public int RequiredContactPoints { get; set; } = 3;

    /// <summary>
    /// How long membership must stay unchanged before the split-brain resolver downs the unreachable
    /// side (keep-majority). Failover time is about the failure detector's ~3–5 s plus this.
    /// </summary>
    public TimeSpan StableAfter { get; set; } = TimeSpan.FromSeconds(7);

    /// <summary>
    /// How long after the resolver removed a member its singletons and shards wait before they
    /// start on a survivor (Akka's down-removal-margin; left unset Akka uses StableAfter, which
    /// doubles the failover time). It only has to cover a partitioned minority stopping its own
    /// entities: that side's resolver downs itself after the same StableAfter, so the margin is the
    /// skew between the two sides' decisions plus the minority's shutdown.
    /// </summary>
    public TimeSpan DownRemovalMargin { get; set; } = TimeSpan.FromSeconds(3);

    public bool UsesKubernetes => string.Equals(Discovery, ClusterDiscovery.Kubernetes, StringComparison.OrdinalIgnoreCase);

    public void Validate()
    {
        if (!UsesKubernetes && !string.Equals(Discovery, ClusterDiscovery.Seeds, StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"{Section}:Discovery must be '{ClusterDiscovery.Seeds}' or '{ClusterDiscovery.Kubernetes}', not '{Discovery}'.");
        if (UsesKubernetes && SeedNodes.Length > 0)
            throw new InvalidOperationException($"{Section}:SeedNodes and {Section}:Discovery=kubernetes exclude each other: Cluster Bootstrap finds the seeds.");
        if (StableAfter < TimeSpan.FromSeconds(1))
            throw new InvalidOperationException($"{Section}:StableAfter must be at least one second (it is {StableAfter}).");
        if (DownRemovalMargin < TimeSpan.Zero || DownRemovalMargin > StableAfter)
            throw new InvalidOperationException(
                $"{Section}:DownRemovalMargin must be between 0 and StableAfter ({StableAfter}); it is {DownRemovalMargin}.");
        if (NumberOfShards < 1)
            throw new InvalidOperationException($"{Section}:NumberOfShards must be positive.");
    }
}

public static class ClusterDiscovery
{
    public const string Seeds = "seeds";
    public const string Kubernetes = "kubernetes";
}
