using Akka.Actor;
using Akka.Event;
using Orchestrator.Messages.Calls;

namespace Orchestrator.Actors.Dialer.Gate;

/// <summary>Timings of the dial gate.</summary>
public sealed record DialGateSettings
{
    public const string Section = "Orchestrator:Dialer:Gate";

    /// <summary>How often a holder renews its lease; a new gate waits two of these before granting new leases.</summary>
    public TimeSpan RenewInterval { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>A dispatcher reservation that no dial took over within this is released.</summary>
    public TimeSpan ReservationTimeout { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>Backstop: no lease outlives this, whatever its holder says (a call never lasts so long).</summary>
    public TimeSpan MaxLeaseAge { get; init; } = TimeSpan.FromHours(4);
}

/// <summary>
/// The cluster's one dial gate (a cluster singleton): every limit on starting calls — trunk
/// concurrency and CPS, the agent's maxConcurrentCalls, a campaign's concurrency and CPS — is
/// counted here for all nodes together. The rules are in <see cref="DialGateBook"/>; this actor
/// watches holders (a holder that dies, with its node or alone, releases its leases), expires
/// reservations, and after a hand-over waits for holders' renewals to rebuild the leases before it
/// grants new ones.
/// </summary>
public sealed class DialGateActor : ReceiveActor, IWithTimers
{
    private sealed record Tick
    {
        public static readonly Tick Instance = new();
    }

    private readonly DialGateBook _book;
    private readonly TimeProvider _time;
    private readonly DateTimeOffset _warmUntil;
    private readonly Dictionary<string, IActorRef> _holders = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(DialGateSettings settings, TimeProvider time, bool warmUp = true) =>
        Akka.Actor.Props.Create(() => new DialGateActor(settings, time, warmUp));

    public DialGateActor(DialGateSettings settings, TimeProvider time, bool warmUp)
    {
        _time = time;
        _book = new DialGateBook(settings.ReservationTimeout, settings.MaxLeaseAge);
        _warmUntil = warmUp ? time.GetUtcNow() + 2 * settings.RenewInterval : time.GetUtcNow();

        Receive<DialGateCommands.Reserve>(r =>
            Sender.Tell(Warming() ?? _book.Reserve(r.LeaseKey, r.Pools, _time.GetUtcNow())));
        Receive<DialGateCommands.Acquire>(a =>
        {
            var answer = _book.Holds(a.LeaseKey) ? null : Warming();
            answer ??= _book.Acquire(a.LeaseKey, Watch(Sender), a.Pools, _time.GetUtcNow());
            Sender.Tell(answer);
        });
        Receive<DialGateCommands.Renew>(r => _book.Renew(r.LeaseKey, Watch(Sender), r.Pools, _time.GetUtcNow()));
        Receive<DialGateCommands.RenewMany>(r =>
        {
            var now = _time.GetUtcNow();
            foreach (var held in r.Leases) _book.Renew(held.LeaseKey, Watch(held.Holder), held.Pools, now);
        });
        Receive<DialGateCommands.Release>(r => _book.Release(r.LeaseKey, Sender.Path.ToString()));
        Receive<DialGateCommands.Drop>(d => _book.Drop(d.LeaseKey));
        Receive<DialGateCommands.GetUsage>(_ => Sender.Tell(new DialGateCommands.Usage(_book.LeaseCount, _book.ActivePerPool)));
        Receive<Terminated>(t =>
        {
            var holder = t.ActorRef.Path.ToString();
            _holders.Remove(holder);
            var ended = _book.ReleaseHolder(holder);
            if (ended.Count > 0) _log.Info("Released {0} dial lease(s) of {1}, which stopped", ended.Count, holder);
        });
        Receive<Tick>(_ =>
        {
            var expired = _book.Expire(_time.GetUtcNow());
            if (expired.Count > 0) _log.Info("Expired {0} dial lease(s)", expired.Count);
        });
    }

    protected override void PreStart() => Timers.StartPeriodicTimer("expire", Tick.Instance, TimeSpan.FromSeconds(1));

    /// <summary>Just after a hand-over the leases of running calls are not known yet: new ones wait.</summary>
    private DialGateAnswer? Warming()
    {
        var now = _time.GetUtcNow();
        return now < _warmUntil ? new DialGateAnswer(false, "the dial gate is starting", _warmUntil - now) : null;
    }

    private string Watch(IActorRef holder)
    {
        var key = holder.Path.ToString();
        if (_holders.TryAdd(key, holder)) Context.Watch(holder);
        return key;
    }
}
