using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Orchestrator.Actors.Sharding;
using Orchestrator.Node.Api.Auth;

namespace Orchestrator.Node.Hosting;

/// <summary>Health, readiness and live counts for operators.</summary>
public static class Operations
{
    public static IServiceCollection AddOperations(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready", "database"]);
        services.AddNodeDrain(configuration);
        services.AddHostedService<DemoSeeder>();
        return services;
    }

    public static WebApplication MapOperations(this WebApplication app)
    {
        // Liveness: the process and its actor system; readiness: also a cluster member that is up.
        app.MapHealthChecks("/healthz", new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains("liveness"), ResponseWriter = HealthReportWriter.WriteAsync,
        });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { ResponseWriter = HealthReportWriter.WriteAsync });
        app.MapGet("/api/v1/misc/concurrency", ClusterConcurrency.GetAsync).WithTags("Operations").WithName("getConcurrency").RequireScope(ApiKeyScopes.Admin).AddEndpointFilter<ApiKeyEndpointFilter>();
        app.MapClusterStatus();
        return app;
    }
}
