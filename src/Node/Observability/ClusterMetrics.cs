using Akka.Actor;
using Akka.Cluster;

namespace Orchestrator.Node.Observability;

/// <summary>Cluster membership as gauges, read from this node's view when scraped.</summary>
public sealed class ClusterMetrics(ActorSystem system) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var cluster = Cluster.Get(system);
        OrchestratorMetrics.Meter.CreateObservableGauge("orchestrator.cluster.members",
            () => cluster.State.Members.GroupBy(m => m.Status.ToString())
                .Select(g => new System.Diagnostics.Metrics.Measurement<int>(g.Count(), new KeyValuePair<string, object?>("status", g.Key))),
            "{node}", "Cluster members by status, as this node sees them");
        OrchestratorMetrics.Meter.CreateObservableGauge("orchestrator.cluster.unreachable",
            () => cluster.State.Unreachable.Count, "{node}", "Members this node cannot reach");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
