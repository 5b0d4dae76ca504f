using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Orchestrator.Node.Observability;

/// <summary>
/// OpenTelemetry: the service's meter (and ASP.NET Core's) at <c>/metrics</c> in Prometheus text
/// format, and metrics and traces over OTLP when an endpoint is configured
/// (<c>Orchestrator:Telemetry:OtlpEndpoint</c> or the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>).
/// </summary>
public static class Telemetry
{
    public static IServiceCollection AddOrchestratorTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var otlp = configuration["Orchestrator:Telemetry:OtlpEndpoint"] ?? configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        var serviceName = configuration["Orchestrator:Telemetry:ServiceName"] ?? "orchestrator";
        services.AddHostedService<ClusterMetrics>();
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(OrchestratorMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
                    // Every scrape reads the instruments afresh (no cached answer).
                    .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
                if (!string.IsNullOrWhiteSpace(otlp)) metrics.AddOtlpExporter(o => o.Endpoint = new Uri(otlp));
            })
            .WithTracing(tracing =>
            {
                tracing.AddSource(OrchestratorTracing.SourceName);
                if (!string.IsNullOrWhiteSpace(otlp)) tracing.AddOtlpExporter(o => o.Endpoint = new Uri(otlp));
            });
        return services;
    }

    public static WebApplication MapMetrics(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }
}
