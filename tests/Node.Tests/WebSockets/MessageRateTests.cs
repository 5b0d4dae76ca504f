using Orchestrator.Node.WebSockets;

namespace Orchestrator.Node.Tests.WebSockets;

public sealed class MessageRateTests
{
    private static readonly MessageRate Rate = new(Burst: 10, PerSecond: 1, ExcessBeforeClose: 3);

    [Fact]
    public void A_burst_then_one_a_second_and_a_flood_is_closed()
    {
        var t = TimeSpan.FromSeconds(100);
        var state = Rate.Start(t);
        for (var i = 0; i < 10; i++)
        {
            (var verdict, state) = Rate.Decide(state, t);
            Assert.Equal(MessageRate.Verdict.Allow, verdict);
        }
        (var v11, state) = Rate.Decide(state, t);
        Assert.Equal(MessageRate.Verdict.Drop, v11);

        // A second later one more is allowed, and the run of excess starts again.
        (var later, state) = Rate.Decide(state, t + TimeSpan.FromSeconds(1));
        Assert.Equal(MessageRate.Verdict.Allow, later);
        var verdicts = new List<MessageRate.Verdict>();
        for (var i = 0; i < 3; i++)
        {
            (var v, state) = Rate.Decide(state, t + TimeSpan.FromSeconds(1));
            verdicts.Add(v);
        }
        Assert.Equal([MessageRate.Verdict.Drop, MessageRate.Verdict.Drop, MessageRate.Verdict.Close], verdicts);
    }

    [Fact]
    public void An_idle_socket_refills_only_up_to_the_burst()
    {
        var state = Rate.Start(TimeSpan.Zero);
        var at = TimeSpan.FromHours(1);
        var allowed = 0;
        while (Rate.Decide(state, at) is (MessageRate.Verdict.Allow, var next)) { state = next; allowed++; }
        Assert.Equal(10, allowed);
    }
}
