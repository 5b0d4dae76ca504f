using Akka.Actor;
using Akka.Cluster;
using Orchestrator.Node.Api.Auth;

namespace Orchestrator.Node.Hosting;

/// <summary>
/// <c>GET /api/v1/misc/cluster</c>: this node's view of the cluster (members, their status, who is
/// unreachable, the leader), for operators and for the multi-node tests that wait for membership.
/// </summary>
public static class ClusterStatusEndpoint
{
    public static WebApplication MapClusterStatus(this WebApplication app)
    {
        app.MapGet("/api/v1/misc/cluster", (ActorSystem system) =>
        {
            var cluster = Cluster.Get(system);
            var state = cluster.State;
            return Results.Ok(new
            {
                self = cluster.SelfAddress.ToString(),
                selfStatus = cluster.SelfMember.Status.ToString(),
                leader = state.Leader?.ToString(),
                members = state.Members.Select(m => new
                {
                    address = m.Address.ToString(), status = m.Status.ToString(), roles = m.Roles.OrderBy(r => r).ToArray(),
                }).ToArray(),
                unreachable = state.Unreachable.Select(m => m.Address.ToString()).ToArray(),
            });
        }).WithTags("Operations").WithName("getCluster").RequireScope(ApiKeyScopes.Admin).AddEndpointFilter<ApiKeyEndpointFilter>();
        return app;
    }
}
