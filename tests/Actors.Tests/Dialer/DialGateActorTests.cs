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
