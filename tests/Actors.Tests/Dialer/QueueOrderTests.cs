using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Orchestrator.Actors.Dialer.Scheduling;

namespace Orchestrator.Actors.Tests.Dialer;

public class QueueOrderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 4, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Higher_priority_first_then_oldest_first()
    {
        var old = new QueuePosition(1, T0, "b");
        var newer = new QueuePosition(1, T0.AddSeconds(1), "a");
        var urgent = new QueuePosition(5, T0.AddHours(1), "c");
        Assert.Equal([urgent, old, newer], new[] { newer, old, urgent }.Order(QueueOrder.Instance));
    }

    [Property(MaxTest = 200)]
    public Property The_order_is_total_and_consistent() =>
        Prop.ForAll(Gen.ListOf(Gen.Zip(Gen.Zip(Gen.Choose(-2, 3), Gen.Choose(0, 5)), Gen.Elements("a", "b", "c", "d"))).ToArbitrary(), items =>
        {
            var positions = items.Select(i => new QueuePosition(i.Item1.Item1, T0.AddSeconds(i.Item1.Item2), i.Item2)).ToList();
            var sorted = positions.Order(QueueOrder.Instance).ToList();
            return sorted.Zip(sorted.Skip(1)).All(p =>
                p.First.Priority > p.Second.Priority
                || (p.First.Priority == p.Second.Priority && p.First.CreatedTime < p.Second.CreatedTime)
                || (p.First.Priority == p.Second.Priority && p.First.CreatedTime == p.Second.CreatedTime && string.CompareOrdinal(p.First.CallId, p.Second.CallId) <= 0));
        });
}
