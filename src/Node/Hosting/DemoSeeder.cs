using System.Text.Json;
using Orchestrator.Messages;
using Orchestrator.Messages.Agents;
using Orchestrator.Messages.Integrations;
using Orchestrator.Storage.Agents;
using Orchestrator.Storage.Integrations;

namespace Orchestrator.Node.Hosting;

/// <summary>
/// First run on an empty database: a demo agent (the table-booking script of the README) and a
/// web integration with a token, printed once, so the quick start works in a minute.
/// Off with Orchestrator:SeedDemo=false.
/// </summary>
public sealed class DemoSeeder(IAgentStore agents, IWebIntegrationStore integrations, IConfiguration configuration,
    ILogger<DemoSeeder> log) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!configuration.GetValue("Orchestrator:SeedDemo", true)) return;
        if ((await agents.ListAsync(0, 1, cancellationToken)).Total > 0) return;

        var path = Path.Combine(AppContext.BaseDirectory, "Demo", "demo-agent.json");
        var template = JsonSerializer.Deserialize<Agent>(await File.ReadAllTextAsync(path, cancellationToken), JsonDefaults.Options)!;
        var agent = await agents.CreateAsync(template, cancellationToken);
        var integration = await integrations.CreateAsync(new WebIntegration
        {
            Name = "Demo web integration",
            AgentId = agent.AgentId,
            Enabled = true,
            Origins = ["*"],
            Features =
            [
                new(IntegrationFeatures.AllowWebChat, true), new(IntegrationFeatures.AllowWebCall, true),
                new(IntegrationFeatures.SendCallResult, true), new(IntegrationFeatures.SendToolCallLogs, true),
            ],
            Tools = [.. agent.Config.Tools.Where(t => t.Webhook is null).Select(t => t.Name)],
        }, cancellationToken);
        var token = await integrations.CreateTokenAsync(integration.Id, "demo", null, cancellationToken);

        log.LogWarning(
            "Seeded the demo agent {AgentId} and web integration {IntegrationId}. Demo token (shown once): {Token}\n" +
            "  Chat with it: connect a WebSocket client to /api/v1/ws/webCall?token={Token} and send " +
            "{{\"type\":\"initialize\",\"request\":{{\"callType\":\"chat\"}}}}\n" +
            "  New token:    POST /api/v1/web-integrations/{IntegrationId}/tokens {{\"name\":\"mine\"}} with your API key",
            agent.AgentId, integration.Id, token!.Token, token.Token, integration.Id);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
