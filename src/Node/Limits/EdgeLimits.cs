using Microsoft.AspNetCore.RateLimiting;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Orchestrator.Node.Limits;

/// <summary>Wires the abuse limits: options, the per-key and failed-attempt counters, and the per-address middleware.</summary>
public static class EdgeLimits
{
    public static IServiceCollection AddEdgeLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LimitOptions>().Bind(configuration.GetSection(LimitOptions.Section))
            .Validate(o => !o.Validate().Any(), "Invalid Orchestrator:Limits (see the README's limits table).")
            .ValidateOnStart();
        services.AddSingleton<ApiKeyRateLimiter>();
        services.AddSingleton<FailedAttempts>();
        services.AddSingleton<ClientConnectionLimiter>();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (context, ct) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var r) ? r : TimeSpan.FromSeconds(1);
                await LimitProblems.TooManyRequests(context.HttpContext, retryAfter, "This address made more requests than its rate limit allows.")
                    .ExecuteAsync(context.HttpContext);
            };
        });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<LimitOptions>>((o, limits) =>
        {
            var l = limits.Value;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                RateLimitPartition.GetTokenBucketLimiter(ClientAddress.Of(http), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = l.ClientBurst, TokensPerPeriod = l.ClientRequestsPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1), QueueLimit = 0, AutoReplenishment = true,
                }));
        });
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<LimitOptions>>((o, limits) =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // The defaults trust loopback; only the configured proxies may speak for a client.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in limits.Value.TrustedProxies) o.KnownProxies.Add(IPAddress.Parse(proxy));
        });
        return services;
    }

    /// <summary>First in the pipeline, so pages, REST and socket upgrades all count against the client's address.</summary>
    public static WebApplication UseEdgeLimits(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<LimitOptions>>().Value.TrustedProxies.Count > 0)
            app.UseForwardedHeaders();
        app.UseRateLimiter();
        return app;
    }
}
