using System.Diagnostics;

namespace Orchestrator.Media.Timing;

/// <summary>
/// A hashed timer wheel: timers fall into one of <c>slots</c> buckets by their due tick, and each
/// tick visits one bucket. Scheduling and cancelling are O(1) and allocate only the
/// <see cref="WheelTimer"/>; a timer due after more than one revolution stays in its bucket and is
/// passed over until its tick comes. One wheel (and one thread) serves a whole SIP user agent, where
/// a runtime timer per transaction and per call cost an allocation, a timer-queue insertion and a
/// thread-pool callback each, tens of thousands of them live at a few hundred calls per second.
/// <para>
/// Two ways to drive it: <see cref="StartNew"/> runs it on its own thread from a monotonic clock;
/// the constructor gives a manual wheel that moves only when <see cref="Advance"/> is called (tests).
/// Callbacks run on the driving thread, outside the wheel's lock, in due order per tick: they must be
/// quick and must not block (send a datagram, set a flag, post work elsewhere).
/// </para>
/// </summary>
public sealed class TimerWheel : IDisposable
{
    private readonly object _gate = new();
    private readonly List<WheelTimer>[] _slots;
    private readonly long _resolutionTicks;
    private readonly Stopwatch? _clock;
    private readonly List<WheelTimer> _due = [];
    private long _tick;            // the last tick whose bucket was visited
    private long _manualNowTicks;
    private Thread? _thread;
    private volatile bool _stopped;
    private int _count;

    /// <summary>A manual wheel: time moves only by <see cref="Advance"/>.</summary>
    public TimerWheel(TimeSpan resolution, int slots = 1024)
        : this(resolution, slots, clock: null)
    {
    }

    private TimerWheel(TimeSpan resolution, int slots, Stopwatch? clock)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(resolution, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 2);
        _resolutionTicks = resolution.Ticks;
        _slots = new List<WheelTimer>[slots];
        for (int i = 0; i < slots; i++) _slots[i] = [];
        _clock = clock;
        Resolution = resolution;
    }

    /// <summary>A wheel ticking every <paramref name="resolution"/> on a background thread named <paramref name="name"/>.</summary>
    public static TimerWheel StartNew(TimeSpan resolution, string name, int slots = 1024)
    {
        var wheel = new TimerWheel(resolution, slots, Stopwatch.StartNew());
        wheel._thread = new Thread(wheel.Run) { IsBackground = true, Name = name, Priority = ThreadPriority.AboveNormal };
        wheel._thread.Start();
        return wheel;
    }

    /// <summary>Longer delays are cut to this (a year): nothing in a call waits that long.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromDays(365);

    public TimeSpan Resolution { get; }

    /// <summary>Time on the wheel's clock (for a manual wheel, where the last <see cref="Advance"/> left it).</summary>
    public TimeSpan Now => _clock?.Elapsed ?? TimeSpan.FromTicks(Volatile.Read(ref _manualNowTicks));

    /// <summary>Timers scheduled and neither fired nor swept after cancellation.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>A callback that threw; the wheel goes on.</summary>
    public event Action<Exception>? CallbackFailed;

    /// <summary>
    /// Calls <paramref name="callback"/>(<paramref name="state"/>) once, no earlier than
    /// <paramref name="delay"/> from now (rounded up to the next tick). Pass a static lambda and the
    /// state so that scheduling allocates only the returned handle.
    /// </summary>
    public WheelTimer Schedule(TimeSpan delay, Action<object?> callback, object? state)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new WheelTimer(callback, state);
        if (_stopped) return timer;
        // Clamped so that Timeout.InfiniteTimeSpan-like values neither fire at once nor overflow.
        if (delay < TimeSpan.Zero) delay = TimeSpan.Zero;
        if (delay > MaxDelay) delay = MaxDelay;
        long dueTicks = (Now + delay).Ticks;
        long dueTick = (dueTicks + _resolutionTicks - 1) / _resolutionTicks;
        lock (_gate)
        {
            timer.DueTick = Math.Max(dueTick, _tick + 1);
            _slots[timer.DueTick % _slots.Length].Add(timer);
            _count++;
        }
        return timer;
    }

    /// <summary>Moves a manual wheel's clock to <paramref name="now"/> and fires what is due; returns how many fired.</summary>
    public int Advance(TimeSpan now)
    {
        if (_clock is not null) throw new InvalidOperationException("a running wheel advances itself");
        if (now.Ticks > _manualNowTicks) Volatile.Write(ref _manualNowTicks, now.Ticks);
        return FireDue(now);
    }

    private int FireDue(TimeSpan now)
    {
        long target = now.Ticks / _resolutionTicks;
        lock (_gate)
        {
            if (target <= _tick) return 0;
            // After a stall longer than a revolution, one pass over every bucket is enough.
            long first = Math.Max(_tick + 1, target - _slots.Length + 1);
            for (long t = first; t <= target; t++) Collect(_slots[t % _slots.Length], target);
            _tick = target;
        }
        // Due order within a pass: a stall can gather timers of several ticks at once.
        if (_due.Count > 1) _due.Sort(static (a, b) => a.DueTick.CompareTo(b.DueTick));
        int fired = 0;
        foreach (var timer in _due)
        {
            if (!timer.TryFire()) continue;
            fired++;
            try
            {
                timer.Callback(timer.State);
            }
            catch (Exception ex)
            {
                CallbackFailed?.Invoke(ex);
            }
        }
        _due.Clear();
        return fired;
    }

    private void Collect(List<WheelTimer> slot, long target)
    {
        for (int i = slot.Count - 1; i >= 0; i--)
        {
            var timer = slot[i];
            bool cancelled = timer.IsCancelled;
            if (!cancelled && timer.DueTick > target) continue;
            slot[i] = slot[^1];
            slot.RemoveAt(slot.Count - 1);
            _count--;
            if (!cancelled) _due.Add(timer);
        }
    }

    private void Run()
    {
        var clock = _clock!;
        while (!_stopped)
        {
            long nextTick = clock.Elapsed.Ticks / _resolutionTicks + 1;
            var wait = TimeSpan.FromTicks(nextTick * _resolutionTicks - clock.Elapsed.Ticks);
            if (wait > TimeSpan.Zero) Thread.Sleep(wait);
            FireDue(clock.Elapsed);
        }
    }

    /// <summary>Stops the thread; pending timers never fire.</summary>
    public void Dispose()
    {
        _stopped = true;
        if (_thread is not null && _thread != Thread.CurrentThread) _thread.Join(TimeSpan.FromSeconds(1));
    }
}

/// <summary>One scheduled callback; <see cref="Cancel"/> is safe from any thread, at any time.</summary>
public sealed class WheelTimer
{
    private const int Pending = 0, Fired = 1, Cancelled = 2;
    private int _state;

    internal WheelTimer(Action<object?> callback, object? state)
    {
        Callback = callback;
        State = state;
    }

    internal Action<object?> Callback { get; }
    internal object? State { get; }
    internal long DueTick { get; set; }

    public bool IsCancelled => Volatile.Read(ref _state) == Cancelled;
    public bool HasFired => Volatile.Read(ref _state) == Fired;

    /// <summary>Returns true when this call stopped the timer (it had neither fired nor been cancelled).</summary>
    public bool Cancel() => Interlocked.CompareExchange(ref _state, Cancelled, Pending) == Pending;

    internal bool TryFire() => Interlocked.CompareExchange(ref _state, Fired, Pending) == Pending;
}
