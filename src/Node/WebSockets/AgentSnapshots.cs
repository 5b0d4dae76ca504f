using System.Collections.Concurrent;
using Orchestrator.Messages.Agents;
using Orchestrator.Storage.Agents;

namespace Orchestrator.Node.WebSockets;

/// <summary>
/// The agents conversations start with, read once per agent every few seconds instead of once per
/// socket: thousands of conversations of one agent then share one snapshot (its script is the bulk
/// of a conversation's memory). An edited agent reaches new conversations within <see cref="Lifetime"/>;
/// running ones keep the config they started with either way. Snapshots are never mutated.
/// </summary>
public sealed class AgentSnapshots(IAgentStore agents, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, (Agent? Agent, DateTimeOffset ReadAt)> _cache = new();

    public async Task<Agent?> GetAsync(string agentId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(agentId, out var cached) && now - cached.ReadAt < Lifetime)
            return cached.Agent;
        var agent = await agents.GetAsync(agentId, cancellationToken);
        _cache[agentId] = (agent, now);
        if (_cache.Count > 10_000) Prune(now);
        return agent;
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (id, entry) in _cache)
            if (now - entry.ReadAt >= Lifetime) _cache.TryRemove(id, out _);
    }
}
