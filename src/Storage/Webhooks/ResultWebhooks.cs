using System.Data.Common;
using Orchestrator.Messages.Results;
using Orchestrator.Messages.Webhooks;
using Orchestrator.Storage.Database;

namespace Orchestrator.Storage.Webhooks;

/// <summary>
/// The result webhook of a stored conversation result, written in the result's own transaction.
/// Completed conversations of every channel report themselves. A failed conversation reports
/// itself when a socket started it; a failed attempt of a queued call does not, because the
/// dialer may try the call again: it reports the call once it has failed for good
/// (<see cref="CallWebhooks.EnqueueFailedAsync"/>), so a receiver gets one result per call.
/// </summary>
public static class ResultWebhooks
{
    public static bool Reports(ConversationResult result) =>
        result.Status == ResultStatuses.Completed
        || (result.Status == ResultStatuses.Failed && string.IsNullOrEmpty(result.CallId));

    /// <summary>True when a delivery was written (the agent has a result webhook and none was written before).</summary>
    public static async Task<bool> EnqueueAsync(SqlDialect dialect, DbConnection connection, DbTransaction transaction,
        ConversationResult result, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        if (!Reports(result)) return false;
        var agent = await AgentWebhookLookup.ReadAsync(dialect, connection, transaction, result.AgentId, cancellationToken);
        if (agent?.Config.ResultWebhook is not { } webhook || string.IsNullOrEmpty(webhook.Url)) return false;

        var type = result.Status == ResultStatuses.Completed ? WebhookTypes.Completed : WebhookTypes.Failed;
        var deliveryId = WebhookDeliveryIds.ForConversation(result.ConversationId, type);
        var payload = WebhookPayloadFactory.ForResult(result, agent.AdditionalData, deliveryId, now)!;
        var delivery = WebhookDeliveries.Pending(payload, agent.AgentId, webhook, now);
        return await WebhookOutboxSql.InsertAsync(dialect, connection, transaction, delivery, cancellationToken);
    }
}
