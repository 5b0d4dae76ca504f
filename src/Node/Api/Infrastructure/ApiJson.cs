using System.Text.Json;
using Orchestrator.Messages;

namespace Orchestrator.Node.Api.Infrastructure;

/// <summary>
/// Reads request bodies with <see cref="JsonDefaults.Options"/>. Done by hand rather than by parameter
/// binding so a malformed body always becomes a 400 problem naming the offending field, in every
/// environment, instead of a binding exception.
/// </summary>
internal static class ApiJson
{
    public readonly record struct Body<T>(T? Value, IResult? Error)
    {
        public bool IsValid => Error is null;
    }

    public static async Task<Body<T>> ReadAsync<T>(HttpRequest request, bool allowEmpty = false) where T : class, new()
    {
        if (allowEmpty && request.ContentLength is 0)
            return new Body<T>(new T(), null);
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, JsonDefaults.Options, request.HttpContext.RequestAborted);
            return value is null
                ? new Body<T>(null, Malformed("The request body must be a JSON object, not null.", null))
                : new Body<T>(value, null);
        }
        catch (JsonException e)
        {
            return new Body<T>(null, Malformed(e.Message, e.Path));
        }
    }

    private static IResult Malformed(string message, string? jsonPath)
    {
        var detail = "The request body is not valid JSON for this endpoint: " + message;
        var field = ToFieldPath(jsonPath);
        var errors = new Dictionary<string, string[]>();
        if (!string.IsNullOrEmpty(field))
            errors[field] = ["The value is malformed or has the wrong type."];
        return TypedResults.ValidationProblem(errors, detail: detail, title: "Malformed request body");
    }

    /// <summary>"$.config.tools[0].name" → "config.tools[0].name"; "$['odd key']" keeps its brackets.</summary>
    internal static string ToFieldPath(string? jsonPath) =>
        string.IsNullOrEmpty(jsonPath) || jsonPath == "$" ? "" : jsonPath.StartsWith("$.") ? jsonPath[2..] : jsonPath.TrimStart('$');
}
