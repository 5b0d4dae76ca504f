using Akka.Actor;
using Orchestrator.Messages.Calls;

namespace Orchestrator.Actors.Dialer.Gate;

/// <summary>
/// The cluster's gate seen from one node: each lease is held by a small local actor (a
/// <see cref="LeaseKeeper"/>) that the gate singleton watches, so a node that dies releases its
/// calls' slots; the node's one <see cref="LeaseRenewer"/> renews them all, so a new gate after a
/// hand-over learns them.
/// The actor system is looked up on first use: SipTelephony is built while the system starts.
/// </summary>
public sealed class ClusterDialGate(Func<(ActorSystem System, IActorRef Gate)> resolve, DialGateSettings settings) : IDialGate
{
    private readonly Lazy<(ActorSystem System, IActorRef Gate, IActorRef Renewer)> _cluster = new(() =>
    {
        var (system, gate) = resolve();
        return (system, gate, system.ActorOf(LeaseRenewer.Props(gate, settings.RenewInterval)));
    });

    public Task<IDisposable> AcquireAsync(string leaseKey, IReadOnlyList<DialPool> pools, CancellationToken cancellationToken = default) =>
        DialGateRetry.UntilGrantedAsync<IDisposable>(async () =>
        {
            var (system, gate, renewer) = _cluster.Value;
            var answered = new TaskCompletionSource<DialGateAnswer>(TaskCreationOptions.RunContinuationsAsynchronously);
            var keeper = system.ActorOf(LeaseKeeper.Props(gate, renewer, leaseKey, pools, answered));
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
