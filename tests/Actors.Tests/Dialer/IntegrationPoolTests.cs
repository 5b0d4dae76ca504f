using Orchestrator.Actors.Dialer.Gate;
using Orchestrator.Messages.Calls;

namespace Orchestrator.Actors.Tests.Dialer;

/// <summary>A web integration's pool: conversations at once and started per minute.</summary>
public class IntegrationPoolTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 4, 10, 0, 0, TimeSpan.Zero);
    private static DialGateBook Book() => new(TimeSpan.FromSeconds(60), TimeSpan.FromHours(4));

    [Fact]
    public void Concurrency_refuses_with_max_concurrent_conversations_and_a_release_frees_the_slot()
    {
        var book = Book();
        var pool = DialPool.Integration("site", maxConcurrent: 2, perMinute: 100);
        Assert.True(book.Acquire("s1", "h1", [pool], T0).Granted);
        Assert.True(book.Acquire("s2", "h2", [pool], T0).Granted);
        var refused = book.Acquire("s3", "h3", [pool], T0);
        Assert.Equal((false, "Web integration 'site' has reached its maxConcurrentConversations (2)", (TimeSpan?)null),
            (refused.Granted, refused.Refusal, refused.RetryAfter));
        Assert.True(book.Release("s1", "h1"));
        Assert.True(book.Acquire("s3", "h3", [pool], T0).Granted);
    }

    [Fact]
    public void Starts_are_counted_over_any_sixty_seconds_even_after_they_end()
    {
        var book = Book();
        var pool = DialPool.Integration("site", maxConcurrent: 100, perMinute: 2);
        Assert.True(book.Acquire("s1", "h1", [pool], T0).Granted);
        Assert.True(book.Release("s1", "h1"));
        Assert.True(book.Acquire("s2", "h2", [pool], T0.AddSeconds(30)).Granted);
        Assert.True(book.Release("s2", "h2"));

        var refused = book.Acquire("s3", "h3", [pool], T0.AddSeconds(59));
        Assert.Equal("Web integration 'site' has reached its maxConversationsPerMinute (2)", refused.Refusal);
        // A burst within the minute is fine: starts are not spread like dials are.
        Assert.True(book.Acquire("s3", "h3", [pool], T0.AddSeconds(60)).Granted);
        Assert.False(book.Acquire("s4", "h4", [pool], T0.AddSeconds(60)).Granted);
        Assert.True(book.Acquire("s4", "h4", [pool], T0.AddSeconds(90)).Granted);
    }
}
