using System.Text.Json.Nodes;
using Orchestrator.Messages.Agents;

namespace Orchestrator.Messages.Webhooks;

/// <summary>
/// Calls an agent's start webhook before a dial attempt (rest.md, Webhooks: start webhook reply).
/// Never throws for the webhook's own failures: they become a decision by <c>failClosed</c>.
/// The node registers the implementation; the dialer depends on this interface only.
/// </summary>
public interface IStartWebhookClient
{
    Task<StartWebhookDecision> CallAsync(
        StartWebhookConfig webhook, WebhookCall call, int attempt, JsonObject? agentAdditionalData,
        CancellationToken cancellationToken = default);
}
