using Akka.Actor;
using Akka.Event;

namespace Orchestrator.Actors.Dialer;

/// <summary>
/// The cluster's dispatcher (a cluster singleton): runs one <see cref="DispatchRound"/> at a time,
/// again at once while rounds fill their batch, else every poll interval or when a new call is
/// queued (<see cref="Kick"/>). It keeps no state of its own: a dispatcher on another node carries
/// on from the table.
/// </summary>
public sealed class CallDispatcher : ReceiveActor, IWithTimers
{
    /// <summary>New calls were queued: look now rather than at the next poll.</summary>
    public sealed record Kick : Orchestrator.Messages.IOrchestratorMessage
    {
        public static readonly Kick Instance = new();
    }

    private sealed record Poll
    {
        public static readonly Poll Instance = new();
    }

    private sealed record RoundDone(RoundReport? Report, Exception? Error);

    private readonly DispatchRound _round;
    private readonly DispatcherSettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly CancellationTokenSource _stop = new();
    private bool _running;
    private bool _again;
    private DateTime _lastOrphanCheck = DateTime.MinValue;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(DispatchRound round, DispatcherSettings settings) =>
        Akka.Actor.Props.Create(() => new CallDispatcher(round, settings));

    public CallDispatcher(DispatchRound round, DispatcherSettings settings)
    {
        _round = round;
        _settings = settings;
        Receive<Poll>(_ => RunOrMark());
        Receive<Kick>(_ => RunOrMark());
        Receive<RoundDone>(done =>
        {
            _running = false;
            if (done.Error is { } e) _log.Warning("A dispatch round failed: {0}", e.Message);
            if (_again || done.Report is { BatchFull: true, Started: > 0 }) RunOrMark();
            // A CPS window held calls back and has room before the next poll: look again then, or the
            // achieved rate falls short of the limit by up to a poll interval per window.
            else if (done.Report?.WakeAfter is { } after && after < _settings.PollInterval) Timers.StartSingleTimer("wake", Poll.Instance, after);
        });
    }

    protected override void PreStart() => Timers.StartPeriodicTimer("poll", Poll.Instance, _settings.PollInterval);

    protected override void PostStop() => _stop.Cancel();

    private void RunOrMark()
    {
        if (_running) { _again = true; return; }
        _running = true;
        _again = false;
        // The first round after a (re)start checks for orphaned claims at once: the dispatcher before may have died mid-dial.
        var orphans = DateTime.UtcNow - _lastOrphanCheck >= _settings.OrphanCheckInterval;
        if (orphans) _lastOrphanCheck = DateTime.UtcNow;
        var token = _stop.Token;
        Task.Run(() => _round.RunAsync(orphans, token), token)
            .PipeTo(Self, success: r => new RoundDone(r, null), failure: e => new RoundDone(null, e));
    }
}
