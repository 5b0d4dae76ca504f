namespace Orchestrator.Node.Hosting;

/// <summary>
/// Bound from "Orchestrator:Drain": how a node leaves on SIGTERM. It first reports itself unready
/// and refuses new sockets, waits <see cref="ReadinessDelay"/> for load balancers to notice, asks
/// its chat sockets to resume elsewhere, lets live calls run up to <see cref="Timeout"/>, and then
/// leaves the cluster (its conversations are handed off to the other nodes).
/// </summary>
public sealed class DrainOptions
{
    public const string Section = "Orchestrator:Drain";

    public TimeSpan ReadinessDelay { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>What the cluster leave and shard hand-off may take after the drain.</summary>
    public static readonly TimeSpan LeaveAllowance = TimeSpan.FromSeconds(15);

    /// <summary>The whole shutdown; Kubernetes' terminationGracePeriodSeconds must be at least this.</summary>
    public TimeSpan ShutdownTimeout => ReadinessDelay + Timeout + LeaveAllowance;

    public void Validate()
    {
        if (ReadinessDelay < TimeSpan.Zero || Timeout < TimeSpan.Zero)
            throw new InvalidOperationException($"{Section}:ReadinessDelay and {Section}:Timeout must not be negative.");
    }
}
