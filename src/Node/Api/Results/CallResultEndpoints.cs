using Orchestrator.Messages.Results;
using Orchestrator.Node.Api.Infrastructure;
using Orchestrator.Storage.Results;

namespace Orchestrator.Node.Api.Results;

/// <summary><c>/api/v1/callresults</c> (rest.md, Results).</summary>
internal static class CallResultEndpoints
{
    public static void MapCallResults(this RouteGroupBuilder api)
    {
        var results = api.MapGroup("/callresults").WithTags("Call results");

        results.MapGet("/{conversationId}", Get).WithName("GetCallResult")
            .Produces<ResultRow>().ProducesProblem(StatusCodes.Status404NotFound);
        results.MapPost("/search", Search).WithName("SearchCallResults")
            .Accepts<ResultSearchRequest>("application/json").Produces<ResultRowPage>().ProducesValidationProblem();
    }

    private static async Task<IResult> Get(string conversationId, IResultStore store, CancellationToken ct) =>
        await store.GetAsync(conversationId, ct) is { } result
            ? TypedResults.Ok(ResultRow.From(result))
            : ApiProblems.NotFound("conversation result", conversationId);

    private static async Task<IResult> Search(HttpRequest request, IResultStore store, CancellationToken ct)
    {
        var body = await ApiJson.ReadAsync<ResultSearchRequest>(request, allowEmpty: true);
        if (!body.IsValid) return body.Error!;
        var (search, errors) = ResultSearchValidator.Validate(body.Value!);
        if (errors.Count > 0) return ApiProblems.Validation(errors);
        return TypedResults.Ok(ResultRowPage.From(await store.SearchAsync(search, ct)));
    }
}
