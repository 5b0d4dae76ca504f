using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Orchestrator.Actors.Dialer.Gate;
using Orchestrator.Messages.Calls;

namespace Orchestrator.Actors.Tests.Dialer;

public class DialGateBookTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 4, 10, 0, 0, TimeSpan.Zero);
    private static DialGateBook Book() => new(TimeSpan.FromSeconds(60), TimeSpan.FromHours(4));
    private static readonly DialPool Trunk2 = DialPool.Trunk("t", 2, null);

    [Fact]
    public void A_socket_dial_over_the_concurrency_limit_is_refused_and_a_release_frees_the_slot()
    {
        var book = Book();
        Assert.True(book.Acquire("c1", "h1", [Trunk2], T0).Granted);
        Assert.True(book.Acquire("c2", "h2", [Trunk2], T0).Granted);
        var refused = book.Acquire("c3", "h3", [Trunk2], T0);
        Assert.False(refused.Granted);
        Assert.Contains("maxConcurrentCalls (2)", refused.Refusal);
        Assert.True(book.Release("c1", "h1"));
        Assert.True(book.Acquire("c3", "h3", [Trunk2], T0).Granted);
        Assert.Equal(2, book.ActiveIn(Trunk2.Key));
    }

    [Fact]
    public void Cps_allows_at_most_the_limit_in_any_one_second_window()
    {
        var book = Book();
        var trunk = DialPool.Trunk("t", null, 3);
        for (var i = 0; i < 3; i++) Assert.True(book.Acquire($"c{i}", "h", [trunk], T0.AddMilliseconds(i * 340)).Granted);
        var over = book.Acquire("c3", "h", [trunk], T0.AddMilliseconds(900));
        Assert.False(over.Granted);
        Assert.Contains("cpsLimit", over.Refusal);
        Assert.True(book.Acquire("c3", "h", [trunk], T0.AddMilliseconds(1020)).Granted); // the first left the window
    }

    [Fact]
    public void Cps_spreads_dials_one_over_the_limit_apart_instead_of_granting_a_window_at_once()
    {
        var book = Book();
        var trunk = DialPool.Trunk("t", null, 10);
        Assert.True(book.Acquire("c0", "h", [trunk], T0).Granted);
        var burst = book.Acquire("c1", "h", [trunk], T0.AddMilliseconds(50));
        Assert.False(burst.Granted);
        Assert.Contains("cpsLimit", burst.Refusal);
        Assert.True(book.Acquire("c1", "h", [trunk], T0.AddMilliseconds(100)).Granted);
    }

    [Fact]
    public void A_reserved_lease_waits_for_its_dial_token_and_keeps_its_slot_when_dialled()
    {
        var book = Book();
        var trunk = DialPool.Trunk("t", 5, 1);
        Assert.True(book.Reserve("c1", [trunk], T0).Granted);
        var paced = book.Reserve("c2", [trunk], T0.AddMilliseconds(10));
        Assert.False(paced.Granted);
        Assert.Equal("cps", paced.Refusal);
        Assert.True(book.Reserve("c2", [trunk], T0.AddSeconds(1)).Granted);

        Assert.True(book.Acquire("c1", "leg1", [trunk], T0.AddSeconds(1)).Granted);
        var wait = book.Acquire("c2", "leg2", [trunk], T0.AddSeconds(1.5));
        Assert.False(wait.Granted);
        Assert.Equal(TimeSpan.FromSeconds(0.5), wait.RetryAfter);
        Assert.True(book.Acquire("c2", "leg2", [trunk], T0.AddSeconds(2)).Granted);
        Assert.Equal(2, book.ActiveIn(trunk.Key)); // a dial takes over its reservation's slot, it takes no second one
    }

    [Fact]
    public void A_round_reserves_a_windows_worth_at_once_and_the_dials_are_spread()
    {
        var book = Book();
        var trunk = DialPool.Trunk("t", null, 10);
        for (var i = 0; i < 10; i++) Assert.True(book.Reserve($"c{i}", [trunk], T0.AddMilliseconds(i)).Granted);
        var over = book.Reserve("c10", [trunk], T0.AddMilliseconds(20));
        Assert.Equal((false, "cps", TimeSpan.FromMilliseconds(980)), (over.Granted, over.Refusal, over.RetryAfter));

        Assert.True(book.Acquire("c0", "leg", [trunk], T0.AddMilliseconds(20)).Granted);
        var next = book.Acquire("c1", "leg", [trunk], T0.AddMilliseconds(30));
        Assert.Equal((false, TimeSpan.FromMilliseconds(90)), (next.Granted, next.RetryAfter)); // 1/cps after the last INVITE
    }

    [Fact]
    public void Reservations_hold_every_pool_at_once_or_none()
    {
        var book = Book();
        var trunk = DialPool.Trunk("t", 10, null);
        var agent = DialPool.Agent("a", 1);
        Assert.True(book.Reserve("c1", [trunk, agent], T0).Granted);
        var refused = book.Reserve("c2", [trunk, agent], T0);
        Assert.False(refused.Granted);
        Assert.Contains("Agent 'a'", refused.Refusal);
        Assert.Equal(1, book.ActiveIn(trunk.Key)); // the refused one took nothing from the trunk
        book.Drop("c1");
        Assert.Equal(0, book.ActiveIn(agent.Key));
    }

    [Fact]
    public void An_unused_reservation_expires_and_a_dead_holder_releases_its_leases()
    {
        var book = Book();
        Assert.True(book.Reserve("c1", [Trunk2], T0).Granted);
        Assert.True(book.Acquire("c2", "node-a/keeper", [Trunk2], T0).Granted);
        Assert.Empty(book.Expire(T0.AddSeconds(59)));
        Assert.Equal(["c1"], book.Expire(T0.AddSeconds(60)));
        Assert.Equal(["c2"], book.ReleaseHolder("node-a/keeper"));
        Assert.Equal(0, book.ActiveIn(Trunk2.Key));
    }

    [Fact]
    public void A_renewal_rebuilds_a_lease_on_a_new_gate_without_a_dial_token()
    {
        var book = Book();
        var trunk = DialPool.Trunk("t", 1, 1);
        book.Renew("c1", "keeper", [trunk], T0);
        Assert.Equal(1, book.ActiveIn(trunk.Key));
        Assert.False(book.Acquire("c2", "h", [trunk], T0).Granted); // full
        book.Renew("c1", "keeper", [trunk], T0.AddSeconds(2)); // again: still one lease
        Assert.Equal(1, book.LeaseCount);
    }

    [Property(MaxTest = 200)]
    public Property Limits_are_never_exceeded_whatever_the_order_of_requests() =>
        Prop.ForAll(Gen.ListOf(Gen.Zip(Gen.Choose(0, 3), Gen.Choose(0, 15))).ToArbitrary(), ops =>
        {
            var book = Book();
            var trunk = DialPool.Trunk("t", 3, 4);
            var now = T0;
            var dials = new List<DateTimeOffset>();
            var held = new List<string>();
            var n = 0;
            foreach (var (kind, step) in ops)
            {
                now = now.AddMilliseconds(step * 50);
                switch (kind)
                {
                    case 0:
                        var key = $"c{n++}";
                        if (book.Acquire(key, key, [trunk], now).Granted) { held.Add(key); dials.Add(now); }
                        break;
                    case 1:
                        var reserved = $"c{n++}";
                        if (book.Reserve(reserved, [trunk], now).Granted && book.Acquire(reserved, reserved, [trunk], now).Granted)
                        { held.Add(reserved); dials.Add(now); }
                        break;
                    case 2 when held.Count > 0:
                        book.Release(held[0], held[0]);
                        held.RemoveAt(0);
                        break;
                    default:
                        book.Expire(now);
                        break;
                }
                if (book.ActiveIn(trunk.Key) > 3) return false;
            }
            return dials.All(t => dials.Count(d => d >= t && d < t.AddSeconds(1)) <= 4);
        });
}
