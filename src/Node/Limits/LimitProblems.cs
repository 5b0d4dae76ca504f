namespace Orchestrator.Node.Limits;

/// <summary>The 429 answer of the abuse limits (rest.md).</summary>
public static class LimitProblems
{
    /// <summary>429 problem+json with Retry-After in whole seconds (at least 1, so a client never retries at once).</summary>
    public static IResult TooManyRequests(HttpContext http, TimeSpan retryAfter, string detail)
    {
        http.Response.Headers.RetryAfter = RetryAfterSeconds(retryAfter).ToString(System.Globalization.CultureInfo.InvariantCulture);
        // ASP.NET Core maps no type for 429; RFC 6585 is where the status is defined.
        return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests", detail: detail,
            type: "https://tools.ietf.org/html/rfc6585#section-4");
    }

    public static int RetryAfterSeconds(TimeSpan retryAfter) => Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
}
