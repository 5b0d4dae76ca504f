using Akka.Actor;
using Orchestrator.Messages.Calls;

namespace Orchestrator.Actors.Dialer.Gate;

/// <summary>
/// Holds one lease at the gate for as long as it lives: the gate watches it, so a keeper stopped
/// alone or with its node releases the lease. Its node's <see cref="LeaseRenewer"/> renews it.
/// </summary>
internal sealed class LeaseKeeper : ReceiveActor
{
    public sealed record LetGo
    {
        public static readonly LetGo Instance = new();
    }

    private readonly Action _start;

    public static Props Props(IActorRef gate, IActorRef renewer, string key, IReadOnlyList<DialPool> pools,
        TaskCompletionSource<DialGateAnswer> answered) =>
        Akka.Actor.Props.Create(() => new LeaseKeeper(gate, renewer, key, pools, answered));

    public LeaseKeeper(IActorRef gate, IActorRef renewer, string key, IReadOnlyList<DialPool> pools, TaskCompletionSource<DialGateAnswer> answered)
    {
        Receive<DialGateAnswer>(answer =>
        {
            answered.TrySetResult(answer);
            if (answer.Granted) renewer.Tell(new LeaseRenewer.Holding(key, pools));
            else Context.Stop(Self);
        });
        Receive<LetGo>(_ =>
        {
            gate.Tell(new DialGateCommands.Release(key), Self);
            Context.Stop(Self);
        });
        _start = () => gate.Tell(new DialGateCommands.Acquire(key, pools), Self);
    }

    protected override void PreStart() => _start();
}
