using Microsoft.Net.Http.Headers;

namespace Orchestrator.Node.Api.Auth;

/// <summary>Requires <c>Authorization: Bearer &lt;api key&gt;</c> on every REST endpoint of the group.</summary>
internal sealed class ApiKeyEndpointFilter(IApiKeyValidator validator) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var header = http.Request.Headers.Authorization.ToString();
        string? key = null;
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            key = header["Bearer ".Length..].Trim();

        if (validator.IsValid(key))
            return next(context);

        http.Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer";
        var detail = string.IsNullOrEmpty(header)
            ? "Send an API key as 'Authorization: Bearer <api key>'."
            : key is null ? "The Authorization header must use the Bearer scheme." : "The API key is not valid.";
        return ValueTask.FromResult<object?>(TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: detail));
    }
}
