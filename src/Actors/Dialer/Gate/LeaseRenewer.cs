using Akka.Actor;
using Orchestrator.Messages.Calls;

namespace Orchestrator.Actors.Dialer.Gate;

/// <summary>
/// One per node: renews all of the node's leases at the gate in a few messages per interval. A
/// renewal exists only so that a new gate after a hand-over learns which leases are held; sending
/// it per lease cost the singleton one message every interval for every open socket (a thousand a
/// second at 2,000 chat sockets), most of them across the network in a cluster.
/// </summary>
internal sealed class LeaseRenewer : ReceiveActor, IWithTimers
{
    /// <summary>The sender (a <see cref="LeaseKeeper"/>) holds this lease until it stops.</summary>
    public sealed record Holding(string LeaseKey, IReadOnlyList<DialPool> Pools);

    private sealed record Tick
    {
        public static readonly Tick Instance = new();
    }

    /// <summary>Keeps each renewal message to a size a remote hop carries comfortably.</summary>
    internal const int BatchSize = 500;

    private readonly Dictionary<IActorRef, HeldLease> _held = new();

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef gate, TimeSpan interval) => Akka.Actor.Props.Create(() => new LeaseRenewer(gate, interval));

    public LeaseRenewer(IActorRef gate, TimeSpan interval)
    {
        Receive<Holding>(h =>
        {
            _held[Sender] = new HeldLease(h.LeaseKey, h.Pools, Sender);
            Context.Watch(Sender);
        });
        Receive<Terminated>(t => _held.Remove(t.ActorRef));
        Receive<Tick>(_ =>
        {
            foreach (var batch in _held.Values.Chunk(BatchSize))
                gate.Tell(new DialGateCommands.RenewMany(batch));
        });
        Timers.StartPeriodicTimer("renew", Tick.Instance, interval);
    }
}
