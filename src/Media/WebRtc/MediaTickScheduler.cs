using System.Diagnostics;

namespace Orchestrator.Media.WebRtc;

/// <summary>
/// Above-normal-priority threads, one per core by default, that tick the registered streams every
/// <see cref="Interval"/>. Pool timers queue behind whatever else the pool runs, and under CPU
/// pressure that made paced audio fall behind real time; one thread for every call could not keep
/// up either (at 400 calls one tick took longer than its interval). So each stream is pinned, when
/// it registers, to the shard with the fewest streams and is ticked by that thread only: a call's
/// sends and its frame deliveries never run concurrently and always come in order.
/// Ticks are only wake-ups: each stream's <see cref="FramePacer"/> decides from the clock what is
/// due, so a late tick never drifts the stream.
/// </summary>
public sealed class MediaTickScheduler
{
    /// <summary>Every 5 ms: a frame due at t leaves by t + 5 ms, which bounds both the inter-arrival
    /// jitter the pacer adds and the delay before received audio reaches the VAD.</summary>
    public static readonly MediaTickScheduler Shared = new(TimeSpan.FromMilliseconds(5), Environment.ProcessorCount);

    private readonly Shard[] _shards;

    public MediaTickScheduler(TimeSpan interval, int shards = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        Interval = interval;
        _shards = new Shard[shards];
        for (int i = 0; i < shards; i++) _shards[i] = new Shard(this, i);
    }

    public TimeSpan Interval { get; }

    public int ShardCount => _shards.Length;

    /// <summary>Streams registered on each shard, in shard order.</summary>
    public IReadOnlyList<int> StreamsPerShard => _shards.Select(s => s.Count).ToArray();

    /// <summary>Calls <paramref name="tick"/> on one scheduler thread until the result is disposed.
    /// The callback must be quick and must not throw (exceptions are swallowed).</summary>
    public IDisposable Register(Action tick)
    {
        ArgumentNullException.ThrowIfNull(tick);
        Shard least;
        lock (_shards)
        {
            least = _shards[0];
            foreach (var shard in _shards)
                if (shard.Count < least.Count) least = shard;
            least.Add(tick);
        }
        return new Registration(least, tick);
    }

    private sealed class Shard(MediaTickScheduler owner, int index)
    {
        private Action[] _ticks = [];
        private Thread? _thread;

        public int Count => Volatile.Read(ref _ticks).Length;

        public void Add(Action tick)
        {
            lock (this)
            {
                _ticks = [.. _ticks, tick];
                if (_thread is null)
                {
                    _thread = new Thread(Run) { IsBackground = true, Name = $"media-ticks-{index}", Priority = ThreadPriority.AboveNormal };
                    _thread.Start();
                }
            }
        }

        public void Remove(Action tick)
        {
            lock (this)
            {
                int at = Array.IndexOf(_ticks, tick);
                if (at < 0) return;
                var next = new Action[_ticks.Length - 1];
                Array.Copy(_ticks, 0, next, 0, at);
                Array.Copy(_ticks, at + 1, next, at, _ticks.Length - at - 1);
                _ticks = next;
            }
        }

        private void Run()
        {
            var clock = Stopwatch.StartNew();
            long intervalTicks = owner.Interval.Ticks;
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
    }

    private sealed class Registration(Shard shard, Action tick) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) shard.Remove(tick);
        }
    }
}
