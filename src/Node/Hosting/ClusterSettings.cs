namespace Orchestrator.Node.Hosting;

/// <summary>Bound from "Orchestrator:Cluster". With no seed nodes the node forms a cluster of its own.</summary>
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
}
