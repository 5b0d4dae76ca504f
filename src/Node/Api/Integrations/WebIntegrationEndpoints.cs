using Orchestrator.Messages.Integrations;
using Orchestrator.Node.Api.Infrastructure;
using Orchestrator.Storage;
using Orchestrator.Storage.Integrations;

namespace Orchestrator.Node.Api.Integrations;

/// <summary><c>/api/v1/web-integrations</c> and their tokens (rest.md, Web integrations and tokens).</summary>
internal static class WebIntegrationEndpoints
{
    public const int MaxTokenNameLength = 200;

    public static void MapWebIntegrations(this RouteGroupBuilder api)
    {
        var integrations = api.MapGroup("/web-integrations").WithTags("Web integrations");

        integrations.MapGet("/", List).WithName("ListWebIntegrations")
            .Produces<PagedList<WebIntegration>>().ProducesValidationProblem();
        integrations.MapPost("/", Create).WithName("CreateWebIntegration")
            .Accepts<WebIntegration>("application/json").Produces<WebIntegration>(StatusCodes.Status201Created).ProducesValidationProblem();
        integrations.MapGet("/{integrationId}", Get).WithName("GetWebIntegration")
            .Produces<WebIntegration>().ProducesProblem(StatusCodes.Status404NotFound);
        integrations.MapPut("/{integrationId}", Replace).WithName("ReplaceWebIntegration")
            .Accepts<WebIntegration>("application/json").Produces<WebIntegration>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        integrations.MapDelete("/{integrationId}", Delete).WithName("DeleteWebIntegration")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);

        integrations.MapPost("/{integrationId}/tokens", CreateToken).WithName("CreateWebIntegrationToken")
            .Accepts<CreateTokenRequest>("application/json").Produces<IssuedToken>(StatusCodes.Status201Created)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        integrations.MapDelete("/{integrationId}/tokens/{tokenId}", RevokeToken).WithName("RevokeWebIntegrationToken")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> List(string? skip, string? take, IWebIntegrationStore store, CancellationToken ct)
    {
        var paging = Paging.Parse(skip, take);
        if (paging.Error is not null) return paging.Error;
        var page = await store.ListAsync(paging.Skip, paging.Take, ct);
        return TypedResults.Ok(page with { Items = [.. page.Items.Select(WebIntegrationValidator.Answer)] });
    }

    private static async Task<IResult> Get(string integrationId, IWebIntegrationStore store, CancellationToken ct) =>
        await store.GetAsync(integrationId, ct) is { } integration
            ? TypedResults.Ok(WebIntegrationValidator.Answer(integration))
            : ApiProblems.NotFound("web integration", integrationId);

    private static async Task<IResult> Create(HttpRequest request, IWebIntegrationStore store, WebIntegrationValidator validator, CancellationToken ct)
    {
        var body = await ApiJson.ReadAsync<WebIntegration>(request);
        if (!body.IsValid) return body.Error!;
        var integration = WebIntegrationValidator.Normalize(body.Value!) with { Id = "" };
        var errors = await validator.ValidateIntegrationAsync(integration, ct);
        if (errors.Count > 0) return ApiProblems.Validation(errors);

        var created = await store.CreateAsync(integration, ct);
        return TypedResults.Created($"/api/v1/web-integrations/{Uri.EscapeDataString(created.Id)}", WebIntegrationValidator.Answer(created));
    }

    private static async Task<IResult> Replace(string integrationId, HttpRequest request, IWebIntegrationStore store,
        WebIntegrationValidator validator, CancellationToken ct)
    {
        var body = await ApiJson.ReadAsync<WebIntegration>(request);
        if (!body.IsValid) return body.Error!;
        if (await store.GetAsync(integrationId, ct) is null) return ApiProblems.NotFound("web integration", integrationId);
        var integration = WebIntegrationValidator.Normalize(body.Value!);
        var errors = await validator.ValidateIntegrationAsync(integration, ct);
        if (errors.Count > 0) return ApiProblems.Validation(errors);

        return await store.ReplaceAsync(integrationId, integration, ct) is { } replaced
            ? TypedResults.Ok(WebIntegrationValidator.Answer(replaced))
            : ApiProblems.NotFound("web integration", integrationId);
    }

    private static async Task<IResult> Delete(string integrationId, IWebIntegrationStore store, CancellationToken ct) =>
        await store.DeleteAsync(integrationId, ct) ? TypedResults.NoContent() : ApiProblems.NotFound("web integration", integrationId);

    private static async Task<IResult> CreateToken(string integrationId, HttpRequest request, IWebIntegrationStore store,
        TimeProvider time, CancellationToken ct)
    {
        var body = await ApiJson.ReadAsync<CreateTokenRequest>(request);
        if (!body.IsValid) return body.Error!;
        var tokenRequest = body.Value!;

        var errors = new ValidationErrors();
        if (string.IsNullOrWhiteSpace(tokenRequest.Name))
            errors.Add("name", "name is required.");
        else if (tokenRequest.Name.Length > MaxTokenNameLength)
            errors.Add("name", $"name must be at most {MaxTokenNameLength} characters.");
        if (tokenRequest.ExpiresAt is { } expiresAt && expiresAt <= time.GetUtcNow())
            errors.Add("expiresAt", "expiresAt must be in the future.");
        if (!errors.IsEmpty) return ApiProblems.Validation(errors.ToDictionary());

        try
        {
            var issued = await store.CreateTokenAsync(integrationId, tokenRequest.Name!.Trim(), tokenRequest.ExpiresAt, ct);
            return issued is null
                ? ApiProblems.NotFound("web integration", integrationId)
                : TypedResults.Created($"/api/v1/web-integrations/{Uri.EscapeDataString(integrationId)}", issued);
        }
        catch (StorageConflictException e)
        {
            return ApiProblems.Conflict(e.Message);
        }
    }

    private static async Task<IResult> RevokeToken(string integrationId, string tokenId, IWebIntegrationStore store, CancellationToken ct) =>
        await store.RevokeTokenAsync(integrationId, tokenId, ct)
            ? TypedResults.NoContent()
            : ApiProblems.NotFound("active token", tokenId);
}
