using Orchestrator.Node.Api;
using Orchestrator.Node.Limits;
using Orchestrator.Node.Observability;
using Orchestrator.Node.Webhooks;
using Orchestrator.Node.WebSockets;
using Orchestrator.Storage;

namespace Orchestrator.Node.Hosting;

/// <summary>
/// Builds the node: configuration → storage → actors → endpoints. Tests call this with their own
/// settings (port 0, a temporary database) so they run exactly what production runs.
/// </summary>
public static class NodeHost
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // The demo page ships beside the assembly, so it is found wherever the node is started from.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args, WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
        });
        configure?.Invoke(builder);
        builder.ListenOnLoopbackByDefault();

        builder.Services
            .AddOrchestratorStorage(builder.Configuration)
            .AddOrchestratorApi(builder.Configuration, builder.Environment)
            .AddVoice(builder.Configuration)
            .AddDialer(builder.Configuration)
            .AddConversationActors(builder.Configuration)
            .AddWebCallEndpoint(builder.Configuration)
            .AddOperations(builder.Configuration)
            .AddWebhooks(builder.Configuration)
            .AddOrchestratorTelemetry(builder.Configuration);

        var app = builder.Build();
        app.UseEdgeLimits();
        app.UseSecurityHeaders();
        app.UseDefaultFiles();
        app.UseStaticFiles(); // the demo page at /
        app.MapOrchestratorApi();
        app.MapWebCallEndpoint();
        app.MapOperations();
        app.MapMetrics();
        return app;
    }
}
