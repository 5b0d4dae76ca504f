using Orchestrator.Media.WebRtc;

namespace Orchestrator.Media.Tests.WebRtc;

public class FramePacerTests
{
    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    [Fact]
    public void First_frame_is_due_at_once_then_one_every_period()
    {
        var pacer = new FramePacer(Ms(20));
        Assert.Equal(1, pacer.FramesDue(Ms(0)));
        Assert.Equal(0, pacer.FramesDue(Ms(19.9)));
        Assert.Equal(1, pacer.FramesDue(Ms(20)));
        Assert.Equal(0, pacer.FramesDue(Ms(39)));
        Assert.Equal(1, pacer.FramesDue(Ms(41)));
        Assert.Equal(Ms(19), pacer.UntilNext(Ms(41)));
    }

    [Fact]
    public void Jittery_ticks_never_drift_from_the_schedule()
    {
        // Ticks every ~10 ms with ±4 ms jitter for 10 s: exactly one frame per 20 ms overall.
        var pacer = new FramePacer(Ms(20));
        var random = new Random(7);
        long frames = 0;
        for (double t = 0; t <= 10_000; t += 10) frames += pacer.FramesDue(Ms(Math.Max(0, t + random.NextDouble() * 8 - 4)));
        frames += pacer.FramesDue(Ms(10_000));
        Assert.Equal(501, frames);
        Assert.Equal(0, pacer.FramesSkipped);
    }

    [Fact]
    public void A_late_tick_catches_up_in_a_burst()
    {
        var pacer = new FramePacer(Ms(20), maxBurst: 3);
        pacer.FramesDue(Ms(0));
        Assert.Equal(2, pacer.FramesDue(Ms(45)));
        Assert.Equal(0, pacer.FramesSkipped);
    }

    [Fact]
    public void A_stall_longer_than_the_burst_is_skipped_not_replayed()
    {
        var pacer = new FramePacer(Ms(20), maxBurst: 3);
        pacer.FramesDue(Ms(0));
        Assert.Equal(3, pacer.FramesDue(Ms(200))); // 10 frames were due
        Assert.Equal(7, pacer.FramesSkipped);
        Assert.Equal(0, pacer.FramesDue(Ms(205)));
        Assert.Equal(1, pacer.FramesDue(Ms(220)));
    }

    [Fact]
    public void Time_before_the_start_has_nothing_due() => Assert.Equal(0, new FramePacer(Ms(20)).FramesDue(Ms(-5)));

    [Fact]
    public void Restart_makes_a_talkspurt_go_out_at_once_instead_of_on_the_idle_grid()
    {
        var pacer = new FramePacer(Ms(20));
        Assert.Equal(1, pacer.FramesDue(Ms(0)));
        Assert.Equal(1, pacer.FramesDue(Ms(20)));
        // 7 ms after a grid slot nothing is due until the next slot, 13 ms away...
        Assert.Equal(0, pacer.FramesDue(Ms(27)));
        // ...unless the schedule starts over from now (the caller moves its origin to 27 ms).
        pacer.Restart();
        Assert.Equal(1, pacer.FramesDue(Ms(0)));
        Assert.Equal(0, pacer.FramesDue(Ms(19)));
        Assert.Equal(1, pacer.FramesDue(Ms(20)));
    }
}
