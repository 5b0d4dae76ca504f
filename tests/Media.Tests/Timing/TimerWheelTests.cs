using FsCheck;
using FsCheck.Xunit;
using Orchestrator.Media.Timing;

namespace Orchestrator.Media.Tests.Timing;

public sealed class TimerWheelTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(10);

    private static TimeSpan Ms(double ms) => TimeSpan.FromMilliseconds(ms);

    [Fact]
    public void A_timer_fires_once_at_its_tick_and_not_before()
    {
        var wheel = new TimerWheel(Tick, slots: 8);
        var fired = new List<string>();
        wheel.Schedule(Ms(25), s => fired.Add((string)s!), "a");

        Assert.Equal(0, wheel.Advance(Ms(20)));
        Assert.Empty(fired);
        Assert.Equal(1, wheel.Advance(Ms(30)));
        Assert.Equal(["a"], fired);
        Assert.Equal(0, wheel.Advance(Ms(500)));
        Assert.Equal(["a"], fired);
        Assert.Equal(0, wheel.Count);
    }

    [Fact]
    public void A_cancelled_timer_never_fires_and_is_swept()
    {
        var wheel = new TimerWheel(Tick, slots: 8);
        int fired = 0;
        var timer = wheel.Schedule(Ms(40), _ => fired++, null);
        Assert.True(timer.Cancel());
        Assert.False(timer.Cancel());
        Assert.True(timer.IsCancelled);

        wheel.Advance(Ms(100));
        Assert.Equal(0, fired);
        Assert.Equal(0, wheel.Count);
        Assert.False(timer.HasFired);
    }

    [Fact]
    public void Cancelling_after_firing_reports_that_it_was_too_late()
    {
        var wheel = new TimerWheel(Tick);
        var timer = wheel.Schedule(Ms(10), _ => { }, null);
        wheel.Advance(Ms(10));
        Assert.True(timer.HasFired);
        Assert.False(timer.Cancel());
    }

    [Fact]
    public void Timers_beyond_one_revolution_wait_for_their_own_tick()
    {
        var wheel = new TimerWheel(Tick, slots: 4); // one revolution = 40 ms
        var fired = new List<int>();
        wheel.Schedule(Ms(130), _ => fired.Add(130), null);
        wheel.Schedule(Ms(10), _ => fired.Add(10), null);

        for (int ms = 10; ms <= 120; ms += 10) wheel.Advance(Ms(ms));
        Assert.Equal([10], fired);
        wheel.Advance(Ms(130));
        Assert.Equal([10, 130], fired);
    }

    [Fact]
    public void A_stall_longer_than_a_revolution_fires_everything_due_in_due_order()
    {
        var wheel = new TimerWheel(Tick, slots: 4);
        var fired = new List<int>();
        foreach (int ms in new[] { 70, 20, 300, 50, 10 }) wheel.Schedule(Ms(ms), s => fired.Add((int)s!), ms);

        Assert.Equal(4, wheel.Advance(Ms(200)));
        Assert.Equal([10, 20, 50, 70], fired);
        wheel.Advance(Ms(300));
        Assert.Equal([10, 20, 50, 70, 300], fired);
    }

    [Fact]
    public void A_zero_or_negative_delay_fires_on_the_next_tick_and_an_infinite_one_never_overflows()
    {
        var wheel = new TimerWheel(Tick);
        int fired = 0;
        wheel.Schedule(TimeSpan.Zero, _ => fired++, null);
        wheel.Schedule(Ms(-5), _ => fired++, null);
        var never = wheel.Schedule(Timeout.InfiniteTimeSpan + TimeSpan.MaxValue, _ => fired += 100, null);
        wheel.Advance(Ms(10));
        Assert.Equal(2, fired);
        Assert.False(never.HasFired);
    }

    [Fact]
    public void A_callback_that_throws_is_reported_and_the_others_still_fire()
    {
        var wheel = new TimerWheel(Tick);
        var errors = new List<string>();
        wheel.CallbackFailed += ex => errors.Add(ex.Message);
        int fired = 0;
        wheel.Schedule(Ms(10), _ => throw new InvalidOperationException("boom"), null);
        wheel.Schedule(Ms(10), _ => fired++, null);
        wheel.Advance(Ms(10));
        Assert.Equal(["boom"], errors);
        Assert.Equal(1, fired);
    }

    [Fact]
    public void A_callback_may_schedule_more_timers()
    {
        var wheel = new TimerWheel(Tick);
        var fired = new List<TimeSpan>();
        void Again(object? _)
        {
            fired.Add(wheel.Now);
            if (fired.Count < 3) wheel.Schedule(Ms(20), Again, null);
        }
        wheel.Schedule(Ms(20), Again, null);
        for (int ms = 10; ms <= 100; ms += 10) wheel.Advance(Ms(ms));
        Assert.Equal([Ms(20), Ms(40), Ms(60)], fired);
    }

    [Fact]
    public void A_manual_wheel_refuses_nothing_but_a_running_one_refuses_advance()
    {
        using var running = TimerWheel.StartNew(Tick, "test-wheel");
        Assert.Throws<InvalidOperationException>(() => running.Advance(Ms(10)));
    }

    [Fact]
    public async Task A_running_wheel_fires_on_its_own_thread()
    {
        using var wheel = TimerWheel.StartNew(Ms(5), "test-wheel");
        var fired = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        wheel.Schedule(Ms(20), _ => fired.TrySetResult(Thread.CurrentThread.Name), null);
        Assert.Equal("test-wheel", await fired.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    /// <summary>Whatever the delays, the cancellations and the steps the clock takes: each live timer fires once, not before its delay and no later than one tick after; cancelled ones never.</summary>
    [Property(MaxTest = 200)]
    public bool Every_live_timer_fires_exactly_once_within_a_tick_of_its_due_time(PositiveInt[] delaysMs, bool[] cancel, PositiveInt[] stepsMs)
    {
        var wheel = new TimerWheel(Tick, slots: 16);
        var firedAt = new Dictionary<int, List<TimeSpan>>();
        var timers = new List<(int Id, TimeSpan Due, WheelTimer Timer, bool Cancelled)>();
        for (int i = 0; i < delaysMs.Length; i++)
        {
            int id = i;
            var delay = Ms(delaysMs[i].Get % 2000);
            var timer = wheel.Schedule(delay, _ =>
            {
                if (!firedAt.TryGetValue(id, out var list)) firedAt[id] = list = [];
                list.Add(wheel.Now);
            }, null);
            bool cancelled = i < cancel.Length && cancel[i] && timer.Cancel();
            timers.Add((id, delay, timer, cancelled));
        }
        var now = TimeSpan.Zero;
        foreach (var step in stepsMs)
        {
            now += Ms(step.Get % 300);
            wheel.Advance(now);
        }
        wheel.Advance(now + Ms(2100));
        foreach (var (id, due, _, cancelled) in timers)
        {
            if (cancelled)
            {
                if (firedAt.ContainsKey(id)) return false;
                continue;
            }
            if (!firedAt.TryGetValue(id, out var at) || at.Count != 1) return false;
            if (at[0] < due) return false;
        }
        return wheel.Count == 0;
    }
}
