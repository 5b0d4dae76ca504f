namespace Orchestrator.Media.WebRtc;

/// <summary>
/// Decides how many frames are due from elapsed time on a monotonic clock rather than counting
/// timer ticks, so a late or coalesced tick never makes the stream drift: frame n is due at
/// n × period. After a stall longer than <see cref="MaxBurst"/> frames the backlog is skipped, not
/// burst out, since the receiver would only discard audio that arrives that late.
/// Pure and not thread-safe: one per stream, driven by its sender loop.
/// </summary>
public sealed class FramePacer
{
    private readonly long _periodTicks;
    private long _framesScheduled;

    public FramePacer(TimeSpan period, int maxBurst = 3)
    {
        if (period <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(period));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBurst);
        _periodTicks = period.Ticks;
        MaxBurst = maxBurst;
    }

    public int MaxBurst { get; }

    /// <summary>Frames handed out so far.</summary>
    public long FramesScheduled => _framesScheduled;

    /// <summary>Frames dropped from the schedule after stalls.</summary>
    public long FramesSkipped { get; private set; }

    /// <summary>How many frames to send now, <paramref name="elapsed"/> after the stream started
    /// (the first frame is due at zero).</summary>
    public int FramesDue(TimeSpan elapsed)
    {
        if (elapsed < TimeSpan.Zero) return 0;
        long dueTotal = elapsed.Ticks / _periodTicks + 1;
        long due = dueTotal - _framesScheduled;
        if (due <= 0) return 0;
        if (due > MaxBurst)
        {
            FramesSkipped += due - MaxBurst;
            _framesScheduled += due - MaxBurst;
            due = MaxBurst;
        }
        _framesScheduled += due;
        return (int)due;
    }

    /// <summary>
    /// Starts the schedule over: the caller's clock origin moves to now, so the next
    /// <see cref="FramesDue"/>(zero) gives one frame at once. Used when a talkspurt begins after
    /// silence in which nothing was sent, so it goes out on the next tick instead of waiting for
    /// the idle grid's next slot.
    /// </summary>
    public void Restart() => _framesScheduled = 0;

    /// <summary>Time from <paramref name="elapsed"/> until the next frame is due.</summary>
    public TimeSpan UntilNext(TimeSpan elapsed) =>
        TimeSpan.FromTicks(Math.Max(0, _framesScheduled * _periodTicks - elapsed.Ticks));
}
