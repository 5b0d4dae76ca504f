using System.Data.Common;
using Orchestrator.Messages.Agents;
using Orchestrator.Storage.Database;

namespace Orchestrator.Storage.Webhooks;

/// <summary>
/// Reads an agent (for its webhook config, secret included) inside the transaction that writes a
/// delivery. The agent as it is now, not the snapshot a conversation started with: a result goes
/// to where the operator points the webhook when the result is stored.
/// </summary>
internal static class AgentWebhookLookup
{
    public static async Task<Agent?> ReadAsync(SqlDialect dialect, DbConnection connection, DbTransaction? transaction,
        string agentId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(agentId)) return null;
        await using var select = dialect.Command(connection, "SELECT doc FROM orch_agents WHERE id = @id", transaction)
            .With("@id", agentId);
        return await select.ExecuteScalarAsync(cancellationToken) is string doc ? StoredJson.Deserialize<Agent>(doc) : null;
    }
}
