using Orchestrator.Messages.Telephony;
using Orchestrator.Node.Api.Infrastructure;
using Orchestrator.Storage;
using Orchestrator.Storage.Telephony;

namespace Orchestrator.Node.Api.Telephony;

/// <summary><c>/api/v1/sip-trunks</c> (rest.md, Telephony). Passwords go in, never out.</summary>
internal static class SipTrunkEndpoints
{
    public static void MapSipTrunks(this RouteGroupBuilder api)
    {
        var trunks = api.MapGroup("/sip-trunks").WithTags("Telephony");

        trunks.MapGet("/", List).WithName("ListSipTrunks")
            .Produces<PagedList<SipTrunkView>>().ProducesValidationProblem();
        trunks.MapPost("/", Create).WithName("CreateSipTrunk")
            .Accepts<SipTrunk>("application/json").Produces<SipTrunkView>(StatusCodes.Status201Created)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        trunks.MapGet("/{trunkId}", Get).WithName("GetSipTrunk")
            .Produces<SipTrunkView>().ProducesProblem(StatusCodes.Status404NotFound);
        trunks.MapPut("/{trunkId}", Replace).WithName("ReplaceSipTrunk")
            .Accepts<SipTrunk>("application/json").Produces<SipTrunkView>().ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        trunks.MapDelete("/{trunkId}", Delete).WithName("DeleteSipTrunk")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> List(string? skip, string? take, ISipTrunkStore store, CancellationToken ct)
    {
        var paging = Paging.Parse(skip, take);
        if (paging.Error is not null) return paging.Error;
        var page = await store.ListAsync(paging.Skip, paging.Take, ct);
        return TypedResults.Ok(new PagedList<SipTrunkView>(page.Items.Select(SipTrunkView.Of).ToList(), page.Total));
    }

    private static async Task<IResult> Get(string trunkId, ISipTrunkStore store, CancellationToken ct) =>
        await store.GetAsync(trunkId, ct) is { } trunk ? TypedResults.Ok(SipTrunkView.Of(trunk)) : ApiProblems.NotFound("SIP trunk", trunkId);

    private static async Task<IResult> Create(HttpRequest request, ISipTrunkStore store, CancellationToken ct)
    {
        var body = await ApiJson.ReadAsync<SipTrunk>(request);
        if (!body.IsValid) return body.Error!;
        var trunk = SipTrunkValidator.Normalize(body.Value!);
        var errors = SipTrunkValidator.Validate(trunk);
        if (errors.Count > 0) return ApiProblems.Validation(errors);
        try
        {
            var created = await store.CreateAsync(trunk, ct);
            return TypedResults.Created($"/api/v1/sip-trunks/{Uri.EscapeDataString(created.Id)}", SipTrunkView.Of(created));
        }
        catch (StorageConflictException e)
        {
            return ApiProblems.Conflict(e.Message);
        }
    }

    private static async Task<IResult> Replace(string trunkId, HttpRequest request, ISipTrunkStore store, CancellationToken ct)
    {
        var body = await ApiJson.ReadAsync<SipTrunk>(request);
        if (!body.IsValid) return body.Error!;
        var trunk = SipTrunkValidator.Normalize(body.Value!);
        var errors = SipTrunkValidator.Validate(trunk);
        if (errors.Count > 0) return ApiProblems.Validation(errors);
        try
        {
            return await store.ReplaceAsync(trunkId, trunk, ct) is { } replaced
                ? TypedResults.Ok(SipTrunkView.Of(replaced))
                : ApiProblems.NotFound("SIP trunk", trunkId);
        }
        catch (StorageConflictException e)
        {
            return ApiProblems.Conflict(e.Message);
        }
    }

    private static async Task<IResult> Delete(string trunkId, ISipTrunkStore store, CancellationToken ct) =>
        await store.DeleteAsync(trunkId, ct) ? TypedResults.NoContent() : ApiProblems.NotFound("SIP trunk", trunkId);
}
