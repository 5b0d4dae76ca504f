using System.Text.Json.Nodes;
using Orchestrator.Messages.Calls;

namespace Orchestrator.Messages.Webhooks;

/// <summary>
/// The call fields a call-level webhook (start, deadline, failed for good) reports. Plain values so
/// the dialer can fill them from whatever its call row holds; <see cref="Of"/> reads a <see cref="Call"/>.
/// </summary>
public sealed record WebhookCall(
    string CallId,
    string AgentId,
    string Endpoint,
    JsonObject? AdditionalData = null,
    string? CampaignId = null,
    string? ConversationId = null,
    int Attempts = 0)
{
    public static WebhookCall Of(Call call) => new(
        call.CallId, call.AgentId, call.Endpoint, call.AdditionalData, call.CampaignId,
        string.IsNullOrEmpty(call.ConversationId) ? null : call.ConversationId, call.Attempts);
}
