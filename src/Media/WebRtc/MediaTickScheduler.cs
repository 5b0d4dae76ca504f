using System.Diagnostics;

namespace Orchestrator.Media.WebRtc;

/// <summary>
/// One above-normal-priority thread that ticks every registered stream every
/// <see cref="Interval"/>. Pool timers queue behind whatever else the pool runs, and under CPU
/// pressure that made paced audio fall behind real time; one thread for all calls keeps the tick
/// prompt without a thread per call. Ticks are only wake-ups: each stream's <see cref="FramePacer"/>
/// decides from the clock what is due, so a late tick never drifts the stream.
/// </summary>
public sealed class MediaTickScheduler
{
    public static readonly MediaTickScheduler Shared = new(TimeSpan.FromMilliseconds(10));

    private readonly object _gate = new();
    private Action[] _ticks = [];
    private Thread? _thread;

    public MediaTickScheduler(TimeSpan interval) => Interval = interval;

    public TimeSpan Interval { get; }

    /// <summary>Calls <paramref name="tick"/> on the scheduler thread until the result is disposed.
    /// The callback must be quick and must not throw (exceptions are swallowed).</summary>
    public IDisposable Register(Action tick)
    {
        lock (_gate)
        {
            _ticks = [.. _ticks, tick];
            if (_thread is null)
            {
                _thread = new Thread(Run) { IsBackground = true, Name = "media-ticks", Priority = ThreadPriority.AboveNormal };
                _thread.Start();
            }
        }
        return new Registration(this, tick);
    }

    private void Unregister(Action tick)
    {
        lock (_gate) _ticks = _ticks.Where(t => t != tick).ToArray();
    }

    private void Run()
    {
        var clock = Stopwatch.StartNew();
        long intervalTicks = Interval.Ticks;
        long next = 0;
        while (true)
        {
            foreach (var tick in Volatile.Read(ref _ticks))
            {
                try { tick(); } catch { /* one stream's bug must not stop the others */ }
            }
            next += intervalTicks;
            long now = clock.Elapsed.Ticks;
            if (next < now) next = now; // behind: tick again at once, the pacers catch up
            var wait = TimeSpan.FromTicks(next - now);
            if (wait > TimeSpan.Zero) Thread.Sleep(wait);
        }
    }

    private sealed class Registration(MediaTickScheduler owner, Action tick) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) owner.Unregister(tick);
        }
    }
}
