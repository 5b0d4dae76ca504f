using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Orchestrator.Actors.Sharding;
using Orchestrator.Storage.Calls;
using Orchestrator.Storage.Telephony;

namespace Orchestrator.Node.Hosting;

/// <summary>
/// <c>GET /misc/concurrency</c> for the whole cluster: conversations running on every node (the
/// shard region's cluster-wide statistics), the sum of the trunks' concurrency limits, and the
/// calls waiting in the queue.
/// </summary>
internal static class ClusterConcurrency
{
    public static async Task<IResult> GetAsync(IRequiredActor<ConversationRegion> conversations, ISipTrunkStore trunks, ICallStore calls,
        CancellationToken ct)
    {
        var region = await conversations.GetAsync(ct);
        var stats = await region.Ask<ClusterShardingStats>(new GetClusterShardingStats(TimeSpan.FromSeconds(3)), TimeSpan.FromSeconds(5), ct);
        var active = stats.Regions.Values.Sum(r => r.Stats.Values.Sum());
        var concurrency = 0;
        for (var skip = 0; ; skip += 1000)
        {
            var page = await trunks.ListAsync(skip, 1000, ct);
            concurrency += page.Items.Sum(t => t.MaxConcurrentCalls ?? 0);
            if (skip + page.Items.Count >= page.Total || page.Items.Count == 0) break;
        }
        return Results.Ok(new { active, concurrency, queued = await calls.CountWaitingAsync(ct) });
    }
}
