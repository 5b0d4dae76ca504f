using Orchestrator.Node.Api.Infrastructure;
using Orchestrator.Storage;
using Orchestrator.Storage.ApiKeys;

namespace Orchestrator.Node.Api.Auth;

/// <summary><c>/api/v1/api-keys</c> (rest.md): scoped keys, shown once, stored hashed; <c>admin</c> only.</summary>
internal static class ApiKeyEndpoints
{
    public const int MaxNameLength = 200;

    public static void MapApiKeys(this RouteGroupBuilder api)
    {
        var keys = api.MapGroup("/api-keys").WithTags("API keys").RequireScope(ApiKeyScopes.Admin);
        keys.MapGet("/", List).WithName("ListApiKeys").Produces<PagedList<ApiKeyInfo>>().ProducesValidationProblem();
        keys.MapPost("/", Create).WithName("CreateApiKey").Accepts<CreateApiKeyRequest>("application/json")
            .Produces<IssuedApiKey>(StatusCodes.Status201Created).ProducesValidationProblem();
        keys.MapDelete("/{apiKeyId}", Revoke).WithName("RevokeApiKey")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> List(string? skip, string? take, IApiKeyStore store, CancellationToken ct)
    {
        var paging = Paging.Parse(skip, take);
        if (paging.Error is not null) return paging.Error;
        return TypedResults.Ok(await store.ListAsync(paging.Skip, paging.Take, ct));
    }

    private static async Task<IResult> Create(HttpRequest request, IApiKeyStore store, TimeProvider time, CancellationToken ct)
    {
        var body = await ApiJson.ReadAsync<CreateApiKeyRequest>(request);
        if (!body.IsValid) return body.Error!;
        var key = body.Value!;

        var errors = new ValidationErrors();
        if (string.IsNullOrWhiteSpace(key.Name))
            errors.Add("name", "name is required.");
        else if (key.Name.Length > MaxNameLength)
            errors.Add("name", $"name must be at most {MaxNameLength} characters.");
        if (key.Scopes is not { Count: > 0 })
            errors.Add("scopes", $"scopes must name at least one of {string.Join(", ", ApiKeyScopes.All)}.");
        else
            for (var i = 0; i < key.Scopes.Count; i++)
                if (!ApiKeyScopes.All.Contains(key.Scopes[i]))
                    errors.Add($"scopes[{i}]", $"'{key.Scopes[i]}' is not a scope; use {string.Join(", ", ApiKeyScopes.All)}.");
        if (key.ExpiresAt is { } expiresAt && expiresAt <= time.GetUtcNow())
            errors.Add("expiresAt", "expiresAt must be in the future.");
        if (!errors.IsEmpty) return ApiProblems.Validation(errors.ToDictionary());

        var issued = await store.CreateAsync(key.Name!.Trim(), [.. key.Scopes!.Distinct()], key.ExpiresAt, ct);
        return TypedResults.Created($"/api/v1/api-keys/{Uri.EscapeDataString(issued.ApiKeyId)}", issued);
    }

    private static async Task<IResult> Revoke(string apiKeyId, IApiKeyStore store, CancellationToken ct) =>
        await store.RevokeAsync(apiKeyId, ct) ? TypedResults.NoContent() : ApiProblems.NotFound("active API key", apiKeyId);
}
