using Akka.Actor;
using Akka.TestKit.Xunit2;
using Orchestrator.Actors.Dialer.Gate;
using Orchestrator.Messages.Calls;

namespace Orchestrator.Actors.Tests.Dialer;

public class DialGateActorTests : TestKit
{
    private static readonly DialGateSettings Settings = new() { RenewInterval = TimeSpan.FromMilliseconds(200) };

    [Fact]
    public async Task Limits_hold_under_concurrent_dials_from_many_holders()
    {
        var gate = Sys.ActorOf(DialGateActor.Props(Settings, TimeProvider.System, warmUp: false));
        var cluster = new ClusterDialGate(() => (Sys, gate), Settings);
        var trunk = DialPool.Trunk("t", 5, null);
        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(async i =>
        {
            try { return await cluster.AcquireAsync($"c{i}", [trunk]); }
            catch (DialRefusedException) { return null; }
        }));
        Assert.Equal(5, results.Count(r => r is not null));
        var usage = await gate.Ask<DialGateCommands.Usage>(DialGateCommands.GetUsage.Instance);
        Assert.Equal(5, usage.ActivePerPool[trunk.Key]);

        results.First(r => r is not null)!.Dispose();
        await AwaitAssertAsync(async () =>
            Assert.Equal(4, (await gate.Ask<DialGateCommands.Usage>(DialGateCommands.GetUsage.Instance)).ActivePerPool[trunk.Key]));
    }

    [Fact]
    public async Task A_lease_is_released_when_its_holder_dies()
    {
        var gate = Sys.ActorOf(DialGateActor.Props(Settings, TimeProvider.System, warmUp: false));
        var holder = CreateTestProbe();
        gate.Tell(new DialGateCommands.Acquire("c1", [DialPool.Trunk("t", 1, null)]), holder.Ref);
        Assert.True(holder.ExpectMsg<DialGateAnswer>().Granted);
        gate.Tell(new DialGateCommands.Acquire("c2", [DialPool.Trunk("t", 1, null)]), TestActor);
        Assert.False(ExpectMsg<DialGateAnswer>().Granted);

        Sys.Stop(holder.Ref); // the conversation's leg (or its whole node) is gone
        await AwaitAssertAsync(async () =>
            Assert.Equal(0, (await gate.Ask<DialGateCommands.Usage>(DialGateCommands.GetUsage.Instance)).Leases));
        gate.Tell(new DialGateCommands.Acquire("c2", [DialPool.Trunk("t", 1, null)]), TestActor);
        Assert.True(ExpectMsg<DialGateAnswer>().Granted);
    }

    [Fact]
    public async Task A_new_gate_waits_for_renewals_before_granting_and_rebuilds_the_leases()
    {
        var first = Sys.ActorOf(DialGateActor.Props(Settings, TimeProvider.System, warmUp: false));
        var gateRef = first;
        var cluster = new ClusterDialGate(() => (Sys, new ForwardingGate(() => gateRef).Ref(Sys)), Settings);
        var trunk = DialPool.Trunk("t", 1, null);
        using var lease = await cluster.AcquireAsync("c1", [trunk]);

        // Hand-over: the old gate stops, a new one starts empty and warming up.
        Watch(first);
        Sys.Stop(first);
        ExpectTerminated(first);
        var second = Sys.ActorOf(DialGateActor.Props(Settings, TimeProvider.System));
        gateRef = second;
        second.Tell(new DialGateCommands.Reserve("c2", [trunk]), TestActor);
        var warming = ExpectMsg<DialGateAnswer>();
        Assert.False(warming.Granted);
        Assert.Contains("starting", warming.Refusal);

        await AwaitAssertAsync(async () =>
            Assert.Equal(1, (await second.Ask<DialGateCommands.Usage>(DialGateCommands.GetUsage.Instance)).Leases), TimeSpan.FromSeconds(3));
        await Task.Delay(Settings.RenewInterval * 2);
        second.Tell(new DialGateCommands.Reserve("c2", [trunk]), TestActor);
        Assert.Contains("maxConcurrentCalls", ExpectMsg<DialGateAnswer>().Refusal); // the renewed lease still holds the slot
    }

    [Fact]
    public async Task A_node_renews_all_its_leases_in_one_message_per_interval_naming_each_holder()
    {
        var gate = CreateTestProbe();
        var cluster = new ClusterDialGate(() => (Sys, gate.Ref), Settings);
        var trunk = DialPool.Trunk("t", 10, null);
        var acquired = Enumerable.Range(0, 3).Select(i => cluster.AcquireAsync($"c{i}", [trunk])).ToList();
        var keepers = new Dictionary<string, IActorRef>();
        for (var i = 0; i < 3; i++)
        {
            var acquire = gate.ExpectMsg<DialGateCommands.Acquire>();
            keepers[acquire.LeaseKey] = gate.LastSender;
            gate.Reply(DialGateAnswer.Yes);
        }
        var leases = await Task.WhenAll(acquired);

        // Renewals come as one batch of the three, each with the keeper the gate watches; no single Renew.
        var batch = gate.FishForMessage<DialGateCommands.RenewMany>(m => m.Leases.Count == 3, TimeSpan.FromSeconds(3));
        Assert.Equal(keepers.OrderBy(k => k.Key), batch.Leases.Select(l => KeyValuePair.Create(l.LeaseKey, l.Holder)).OrderBy(k => k.Key));
        Assert.All(batch.Leases, l => Assert.Equal(trunk, Assert.Single(l.Pools)));

        // A lease let go is no longer renewed.
        leases[0].Dispose();
        Assert.Equal("c0", gate.FishForMessage<DialGateCommands.Release>(_ => true, TimeSpan.FromSeconds(3)).LeaseKey);
        var after = gate.FishForMessage<DialGateCommands.RenewMany>(m => m.Leases.Count < 3, TimeSpan.FromSeconds(3));
        Assert.Equal(["c1", "c2"], after.Leases.Select(l => l.LeaseKey).Order());
        foreach (var lease in leases) lease.Dispose();
    }

    /// <summary>Stands in for the singleton proxy: forwards to whichever gate is current.</summary>
    private sealed class ForwardingGate(Func<IActorRef> current)
    {
        public IActorRef Ref(ActorSystem system) => system.ActorOf(Props.Create(() => new Forwarder(current)));

        private sealed class Forwarder : ReceiveActor
        {
            public Forwarder(Func<IActorRef> current) => ReceiveAny(m => current().Forward(m));
        }
    }
}
