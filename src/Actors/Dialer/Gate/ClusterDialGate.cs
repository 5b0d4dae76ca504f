using Akka.Actor;
using Orchestrator.Messages.Calls;

namespace Orchestrator.Actors.Dialer.Gate;

/// <summary>
/// The cluster's gate seen from one node: each lease is held by a small local actor (a
/// <see cref="LeaseKeeper"/>) that the gate singleton watches, so a node that dies releases its
/// calls' slots, and that renews the lease so a new gate after a hand-over learns it.
/// The actor system is looked up on first use: SipTelephony is built while the system starts.
/// </summary>
public sealed class ClusterDialGate(Func<(ActorSystem System, IActorRef Gate)> resolve, DialGateSettings settings) : IDialGate
{
    private readonly Lazy<(ActorSystem System, IActorRef Gate)> _cluster = new(resolve);

    public Task<IDisposable> AcquireAsync(string leaseKey, IReadOnlyList<DialPool> pools, CancellationToken cancellationToken = default) =>
        DialGateRetry.UntilGrantedAsync<IDisposable>(async () =>
        {
            var (system, gate) = _cluster.Value;
            var answered = new TaskCompletionSource<DialGateAnswer>(TaskCreationOptions.RunContinuationsAsynchronously);
            var keeper = system.ActorOf(LeaseKeeper.Props(gate, leaseKey, pools, settings.RenewInterval, answered));
            var answer = await answered.Task.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken)
                .ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : new DialGateAnswer(false, "the dial gate did not answer"),
                    TaskScheduler.Default).ConfigureAwait(false);
            if (!answer.Granted) keeper.Tell(PoisonPill.Instance);
            return (answer, (IDisposable)new Lease(keeper));
        }, cancellationToken);

    private sealed class Lease(IActorRef keeper) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) keeper.Tell(LeaseKeeper.LetGo.Instance);
        }
    }
}

/// <summary>Holds one lease at the gate for as long as it lives.</summary>
internal sealed class LeaseKeeper : ReceiveActor, IWithTimers
{
    public sealed record LetGo
    {
        public static readonly LetGo Instance = new();
    }

    private sealed record RenewTick
    {
        public static readonly RenewTick Instance = new();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef gate, string key, IReadOnlyList<DialPool> pools, TimeSpan renew,
        TaskCompletionSource<DialGateAnswer> answered) =>
        Akka.Actor.Props.Create(() => new LeaseKeeper(gate, key, pools, renew, answered));

    public LeaseKeeper(IActorRef gate, string key, IReadOnlyList<DialPool> pools, TimeSpan renew, TaskCompletionSource<DialGateAnswer> answered)
    {
        Receive<DialGateAnswer>(answer =>
        {
            answered.TrySetResult(answer);
            if (answer.Granted) Timers.StartPeriodicTimer("renew", RenewTick.Instance, renew);
            else Context.Stop(Self);
        });
        Receive<RenewTick>(_ => gate.Tell(new DialGateCommands.Renew(key, pools), Self));
        Receive<LetGo>(_ =>
        {
            gate.Tell(new DialGateCommands.Release(key), Self);
            Context.Stop(Self);
        });
        _start = () => gate.Tell(new DialGateCommands.Acquire(key, pools), Self);
    }

    private readonly Action _start;

    protected override void PreStart() => _start();
}
