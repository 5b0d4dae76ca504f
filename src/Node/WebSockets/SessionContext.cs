using Orchestrator.Messages.Agents;
using Orchestrator.Messages.Integrations;
using Orchestrator.Messages.Results;

namespace Orchestrator.Node.WebSockets;

/// <summary>Who is on a socket, established before the upgrade is answered.</summary>
/// <param name="Integration">Null for server-to-server clients authenticated with an API key.</param>
public sealed record SessionContext(Agent Agent, WebIntegration? Integration)
{
    /// <summary>Tools the client runs: the integration's list, or every client-side tool for an API key.</summary>
    public IReadOnlyList<string> ClientTools => Integration?.Tools
        ?? [.. Agent.Config.Tools.Where(t => t.Webhook is null).Select(t => t.Name)];

    public bool Allows(string callType) => Integration is null || callType switch
    {
        CallTypes.Chat => Integration.HasFeature(IntegrationFeatures.AllowWebChat),
        CallTypes.WebCall => Integration.HasFeature(IntegrationFeatures.AllowWebCall),
        CallTypes.OnPhone => Integration.HasFeature(IntegrationFeatures.AllowPhoneCall),
        _ => false,
    };

    public bool SendsResult => Integration is null || Integration.HasFeature(IntegrationFeatures.SendCallResult);

    public bool SendsToolLogs => Integration is null || Integration.HasFeature(IntegrationFeatures.SendToolCallLogs);
}
