namespace Orchestrator.Storage.Webhooks;

/// <summary>What one attempt to send a delivery came to: an HTTP status, or an error with none (connection, time-out).</summary>
public sealed record WebhookAttemptOutcome(int? StatusCode, string? Error);

/// <summary>A delivery's state after an attempt.</summary>
public sealed record WebhookDeliveryUpdate(string Status, int Attempts, int? LastStatusCode, string? LastError, DateTimeOffset? NextAttemptTime);

/// <summary>
/// The delivery rules (rest.md, Webhooks): 2xx delivered; 4xx final; anything else (5xx, no
/// answer, a time-out) tried again after 1 s, 2 s, 4 s … at most 5 min apart, until 24 h after the
/// delivery was written. Pure: the sender passes the clock.
/// </summary>
public static class WebhookRetryPolicy
{
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromHours(24);

    /// <summary>The wait after the <paramref name="failedAttempts"/>-th failed attempt (from 1): 1 s, 2 s, 4 s, … 5 min.</summary>
    public static TimeSpan Backoff(int failedAttempts)
    {
        var exponent = Math.Clamp(failedAttempts - 1, 0, 30);
        var seconds = Math.Min(Math.Pow(2, exponent), MaxBackoff.TotalSeconds);
        return TimeSpan.FromSeconds(seconds);
    }

    public static WebhookDeliveryUpdate Decide(int attemptsBefore, DateTimeOffset createdAt, WebhookAttemptOutcome outcome, DateTimeOffset now)
    {
        var attempts = attemptsBefore + 1;
        if (outcome.StatusCode is >= 200 and < 300)
            return new(WebhookDeliveryStatuses.Delivered, attempts, outcome.StatusCode, null, null);

        var error = outcome.Error ?? $"The receiver answered {outcome.StatusCode}.";
        if (outcome.StatusCode is >= 400 and < 500)
            return new(WebhookDeliveryStatuses.Failed, attempts, outcome.StatusCode, error, null);

        var next = now + Backoff(attempts);
        if (next > createdAt + GiveUpAfter)
            return new(WebhookDeliveryStatuses.Failed, attempts, outcome.StatusCode,
                $"Gave up after {attempts} attempts over {GiveUpAfter.TotalHours:0} h; the last: {error}", null);
        return new(WebhookDeliveryStatuses.Pending, attempts, outcome.StatusCode, error, next);
    }
}
