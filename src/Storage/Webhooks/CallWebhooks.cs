using System.Data.Common;
using Orchestrator.Messages.Agents;
using Orchestrator.Messages.Results;
using Orchestrator.Messages.Webhooks;
using Orchestrator.Storage.Database;

namespace Orchestrator.Storage.Webhooks;

/// <summary>
/// The dialer's webhooks, written inside the dialer's own transaction (the one that cancels or
/// fails the call), to the agent's result webhook. Each is written at most once per call however
/// often the transaction is retried; each returns true when it wrote a row, and the caller then
/// calls <see cref="WebhookOutboxSignal.Notify"/> after committing so this node sends it at once.
/// </summary>
public static class CallWebhooks
{
    /// <summary>A queued call was cancelled (<c>deadline</c>, <c>deleted</c>, <c>campaign_canceled</c>, <c>start_webhook</c>).</summary>
    public static async Task<bool> EnqueueDeadLineAsync(SqlDialect dialect, DbConnection connection, DbTransaction transaction,
        WebhookCall call, string cancelReason, DateTimeOffset now, CancellationToken cancellationToken = default,
        Dictionary<string, Agent?>? agents = null)
    {
        var agent = await AgentAsync(dialect, connection, transaction, call.AgentId, agents, cancellationToken);
        if (agent?.Config.ResultWebhook is not { } webhook || string.IsNullOrEmpty(webhook.Url)) return false;
        var deliveryId = WebhookDeliveryIds.ForCall(call.CallId, WebhookTypes.CallDeadLine);
        var payload = WebhookPayloadFactory.CallDeadLine(call, agent.AdditionalData, cancelReason, deliveryId, now);
        return await WebhookOutboxSql.InsertAsync(dialect, connection, transaction,
            WebhookDeliveries.Pending(payload, agent.AgentId, webhook, now), cancellationToken);
    }

    /// <summary>
    /// A queued call failed for good: its last attempt ended with <paramref name="finishReason"/>
    /// (<c>busy</c>, <c>no_answer</c>, <c>rejected</c>, <c>error</c>) and no retry follows. Pass the last
    /// attempt's stored result when it has one, so its transcript comes along.
    /// </summary>
    public static async Task<bool> EnqueueFailedAsync(SqlDialect dialect, DbConnection connection, DbTransaction transaction,
        WebhookCall call, string finishReason, string? errorMessage, ConversationResult? lastResult, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        var agent = await AgentWebhookLookup.ReadAsync(dialect, connection, transaction, call.AgentId, cancellationToken);
        if (agent?.Config.ResultWebhook is not { } webhook || string.IsNullOrEmpty(webhook.Url)) return false;
        var deliveryId = WebhookDeliveryIds.ForCall(call.CallId, WebhookTypes.Failed);
        var payload = WebhookPayloadFactory.CallFailed(call, agent.AdditionalData, finishReason, errorMessage, lastResult, deliveryId, now);
        return await WebhookOutboxSql.InsertAsync(dialect, connection, transaction,
            WebhookDeliveries.Pending(payload, agent.AgentId, webhook, now), cancellationToken);
    }

    /// <summary>A campaign's cancel writes one delivery per call: <paramref name="agents"/> reads each agent once, not once per call.</summary>
    private static async Task<Agent?> AgentAsync(SqlDialect dialect, DbConnection connection, DbTransaction transaction, string agentId,
        Dictionary<string, Agent?>? agents, CancellationToken cancellationToken)
    {
        if (agents is not null && agents.TryGetValue(agentId, out var known)) return known;
        var agent = await AgentWebhookLookup.ReadAsync(dialect, connection, transaction, agentId, cancellationToken);
        if (agents is not null) agents[agentId] = agent;
        return agent;
    }
}
