namespace Orchestrator.Node.Limits;

/// <summary>The 429 answer of the abuse limits (rest.md).</summary>
public static class LimitProblems
{
    /// <summary>429 problem+json with Retry-After in whole seconds (at least 1, so a client never retries at once).</summary>
    public static IResult TooManyRequests(HttpContext http, TimeSpan retryAfter, string detail)
    {
        http.Response.Headers.RetryAfter = RetryAfterSeconds(retryAfter).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests", detail: detail);
    }

    public static int RetryAfterSeconds(TimeSpan retryAfter) => Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
}
