using Orchestrator.Messages.Agents;
using Orchestrator.Node.WebSockets;
using Orchestrator.Storage;
using Orchestrator.Storage.Agents;

namespace Orchestrator.Node.Tests.WebSockets;

public sealed class AgentSnapshotsTests
{
    private sealed class ManualTime : TimeProvider
    {
        public DateTimeOffset Now = DateTimeOffset.UnixEpoch;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private sealed class CountingStore : IAgentStore
    {
        public int Reads;
        public string Name = "v1";
        public Task<Agent?> GetAsync(string agentId, CancellationToken cancellationToken = default)
        {
            Reads++;
            return Task.FromResult<Agent?>(agentId == "a" ? new Agent { AgentId = "a", Name = Name } : null);
        }
        public Task<PagedList<Agent>> ListAsync(int skip, int take, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<Agent> CreateAsync(Agent agent, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<Agent?> ReplaceAsync(string agentId, Agent agent, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<bool> DeleteAsync(string agentId, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }

    [Fact]
    public async Task Conversations_share_one_snapshot_until_it_is_a_few_seconds_old()
    {
        var store = new CountingStore();
        var time = new ManualTime();
        var snapshots = new AgentSnapshots(store, time);

        var first = await snapshots.GetAsync("a", default);
        var second = await snapshots.GetAsync("a", default);
        Assert.Same(first, second);
        Assert.Equal(1, store.Reads);

        store.Name = "v2";
        time.Now += AgentSnapshots.Lifetime;
        Assert.Equal("v2", (await snapshots.GetAsync("a", default))!.Name);
        Assert.Equal(2, store.Reads);

        Assert.Null(await snapshots.GetAsync("missing", default));
    }
}
