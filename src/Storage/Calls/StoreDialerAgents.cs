using Orchestrator.Actors.Dialer.Ports;
using Orchestrator.Messages.Agents;
using Orchestrator.Storage.Agents;

namespace Orchestrator.Storage.Calls;

/// <summary>The dispatcher's view of the agent store.</summary>
internal sealed class StoreDialerAgents(IAgentStore agents) : IDialerAgents
{
    public Task<Agent?> FindAsync(string agentId, CancellationToken cancellationToken = default) => agents.GetAsync(agentId, cancellationToken);
}
