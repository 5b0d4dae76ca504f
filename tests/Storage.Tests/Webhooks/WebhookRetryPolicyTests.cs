using Orchestrator.Storage.Webhooks;

namespace Orchestrator.Storage.Tests.Webhooks;

public sealed class WebhookRetryPolicyTests
{
    private static readonly DateTimeOffset Created = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Backoff_doubles_from_one_second_and_stops_at_five_minutes()
    {
        var waits = Enumerable.Range(1, 12).Select(n => WebhookRetryPolicy.Backoff(n).TotalSeconds).ToArray();
        Assert.Equal([1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300], waits);
        Assert.Equal(300, WebhookRetryPolicy.Backoff(int.MaxValue).TotalSeconds);
    }

    [Theory]
    [InlineData(200)]
    [InlineData(204)]
    [InlineData(299)]
    public void A_2xx_is_delivered(int code)
    {
        var update = WebhookRetryPolicy.Decide(0, Created, new(code, null), Created);
        Assert.Equal(WebhookDeliveryStatuses.Delivered, update.Status);
        Assert.Equal(1, update.Attempts);
        Assert.Equal(code, update.LastStatusCode);
        Assert.Null(update.NextAttemptTime);
        Assert.Null(update.LastError);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(404)]
    [InlineData(410)]
    [InlineData(499)]
    public void A_4xx_is_final(int code)
    {
        var update = WebhookRetryPolicy.Decide(2, Created, new(code, null), Created);
        Assert.Equal(WebhookDeliveryStatuses.Failed, update.Status);
        Assert.Equal(3, update.Attempts);
        Assert.Null(update.NextAttemptTime);
        Assert.Equal($"The receiver answered {code}.", update.LastError);
    }

    [Theory]
    [InlineData(500, null)]
    [InlineData(503, null)]
    [InlineData(302, null)]
    [InlineData(null, "Connection refused")]
    [InlineData(null, "No answer within 10 s")]
    public void Server_errors_and_no_answer_are_retried_after_the_backoff(int? code, string? error)
    {
        var now = Created.AddSeconds(30);
        var update = WebhookRetryPolicy.Decide(3, Created, new(code, error), now);
        Assert.Equal(WebhookDeliveryStatuses.Pending, update.Status);
        Assert.Equal(4, update.Attempts);
        Assert.Equal(now.AddSeconds(8), update.NextAttemptTime);
        Assert.Equal(error ?? $"The receiver answered {code}.", update.LastError);
    }

    [Fact]
    public void It_gives_up_when_the_next_attempt_would_fall_after_24_hours()
    {
        var late = Created.AddHours(24).AddMinutes(-4);
        var kept = WebhookRetryPolicy.Decide(300, Created, new(500, null), late.AddMinutes(-2));
        Assert.Equal(WebhookDeliveryStatuses.Pending, kept.Status);

        var given = WebhookRetryPolicy.Decide(301, Created, new(500, null), late);
        Assert.Equal(WebhookDeliveryStatuses.Failed, given.Status);
        Assert.Null(given.NextAttemptTime);
        Assert.StartsWith("Gave up after 302 attempts over 24 h; the last: The receiver answered 500.", given.LastError);
    }
}
