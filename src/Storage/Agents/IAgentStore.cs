using Orchestrator.Messages.Agents;

namespace Orchestrator.Storage.Agents;

public interface IAgentStore
{
    /// <summary>Agents oldest first.</summary>
    Task<PagedList<Agent>> ListAsync(int skip, int take, CancellationToken cancellationToken = default);

    Task<Agent?> GetAsync(string agentId, CancellationToken cancellationToken = default);

    /// <summary>Stores a new agent. An empty <see cref="Agent.AgentId"/> gets a new id; the store sets both timestamps.</summary>
    Task<Agent> CreateAsync(Agent agent, CancellationToken cancellationToken = default);

    /// <summary>Replaces the whole agent, keeping its id and creation time. Null when it does not exist.</summary>
    Task<Agent?> ReplaceAsync(string agentId, Agent agent, CancellationToken cancellationToken = default);

    Task<bool> DeleteAsync(string agentId, CancellationToken cancellationToken = default);
}
