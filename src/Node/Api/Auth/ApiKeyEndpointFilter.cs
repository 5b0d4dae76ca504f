using Microsoft.Net.Http.Headers;
using Orchestrator.Node.Limits;

namespace Orchestrator.Node.Api.Auth;

/// <summary>
/// Requires <c>Authorization: Bearer &lt;api key&gt;</c> with the endpoint's <see cref="RequiredScope"/>
/// on every REST endpoint, and holds each key to its request rate. An endpoint that declares no scope
/// is refused to all but <c>admin</c>, so forgetting one fails closed.
/// </summary>
internal sealed class ApiKeyEndpointFilter(IApiKeyValidator validator, ApiKeyRateLimiter rates, FailedAttempts failures) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var address = ClientAddress.Of(http);
        if (failures.IsBlocked(address))
            return LimitProblems.TooManyRequests(http, failures.RetryAfter(address), Orchestrator.Messages.Protocol.ProtocolErrors.TooManyFailedAttempts);

        var header = http.Request.Headers.Authorization.ToString();
        string? key = null;
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            key = header["Bearer ".Length..].Trim();

        var principal = await validator.AuthenticateAsync(key, http.RequestAborted);
        if (principal is null)
        {
            if (!string.IsNullOrEmpty(header)) failures.Record(address);
            http.Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer";
            var detail = string.IsNullOrEmpty(header)
                ? "Send an API key as 'Authorization: Bearer <api key>'."
                : key is null ? "The Authorization header must use the Bearer scheme." : "The API key is not valid.";
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: detail);
        }

        var scope = http.GetEndpoint()?.Metadata.GetMetadata<RequiredScope>()?.Scope ?? ApiKeyScopes.Admin;
        if (!principal.Has(scope))
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                detail: $"This API key does not have the '{scope}' scope this endpoint needs.");

        if (rates.TryAcquire(principal.ApiKeyId) is { } retryAfter)
            return LimitProblems.TooManyRequests(http, retryAfter, "This API key made more requests than its rate limit allows.");

        return await next(context);
    }
}
