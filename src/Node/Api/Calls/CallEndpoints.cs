using System.Globalization;
using Akka.Actor;
using Akka.Hosting;
using Orchestrator.Actors.Dialer;
using Orchestrator.Messages.Calls;
using Orchestrator.Node.Api.Infrastructure;
using Orchestrator.Node.Hosting;
using Orchestrator.Storage;
using Orchestrator.Storage.Agents;
using Orchestrator.Storage.Calls;

namespace Orchestrator.Node.Api.Calls;

/// <summary>
/// <c>/api/v1/calls</c> (rest.md, Outbound calls): calls are queued here and started by the
/// cluster's dispatcher, inside the agent's schedule and within every limit.
/// </summary>
internal static class CallEndpoints
{
    public static void MapCalls(this RouteGroupBuilder api)
    {
        var calls = api.MapGroup("/calls").WithTags("Calls");
        calls.MapPost("/", Create).WithName("CreateCall")
            .Accepts<CallRequest>("application/json").Produces<Call>(StatusCodes.Status201Created).Produces<Call>()
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        calls.MapPost("/bulk", CreateBulk).WithName("CreateCalls")
            .Accepts<List<CallRequest>>("application/json").Produces<List<Call>>(StatusCodes.Status201Created)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        calls.MapGet("/", List).WithName("ListCalls").Produces<PagedList<Call>>().ProducesValidationProblem();
        calls.MapGet("/queue/list", QueueList).WithName("ListCallQueue").Produces<CallQueueList>().ProducesValidationProblem();
        calls.MapGet("/{callId}", Get).WithName("GetCall").Produces<Call>().ProducesProblem(StatusCodes.Status404NotFound);
        calls.MapDelete("/{callId}", Delete).WithName("DeleteCall")
            .Produces<Call>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }

    /// <summary>The hosted platform's queue list shape.</summary>
    public sealed record CallQueueList(IReadOnlyList<Call> Calls, int Total);

    private static async Task<IResult> Create(string? agentId, HttpRequest request, IAgentStore agents, ICallStore store,
        TimeProvider time, IRequiredActor<CallDispatcherSingleton> dispatcher, CancellationToken ct)
    {
        var body = await ApiJson.ReadAsync<CallRequest>(request);
        if (!body.IsValid) return body.Error!;
        var agent = string.IsNullOrWhiteSpace(agentId) ? null : await agents.GetAsync(agentId, ct);
        var errors = new ValidationErrors();
        var context = agent is null ? null : CallRequestValidator.ContextOf(agent);
        var call = context is null ? null : CallRequestValidator.Validate(body.Value!, context, time.GetUtcNow(), "", errors);
        if (agent is null && string.IsNullOrWhiteSpace(body.Value!.Endpoint))
            errors.Add("endpoint", "endpoint is required (a number or a SIP URI).");
        if (CallRequestValidator.CheckAgent(agentId, agent) is { } refused)
            return errors.IsEmpty || agent is not null && agent.IsEnabled is false ? refused : Merge(refused, errors);
        if (!errors.IsEmpty) return ApiProblems.Validation(errors.ToDictionary());

        var created = await store.CreateAsync(call!, ct);
        await KickAsync(dispatcher, ct);
        return created.IsNew ? TypedResults.Created($"/api/v1/calls/{created.Call.CallId}", created.Call) : TypedResults.Ok(created.Call);
    }

    /// <summary>Field errors of the body and of the agent in one answer, so a client sees everything to fix at once.</summary>
    private static IResult Merge(IResult agentProblem, ValidationErrors errors)
    {
        if (agentProblem is not Microsoft.AspNetCore.Http.HttpResults.ValidationProblem problem) return agentProblem;
        foreach (var (key, messages) in problem.ProblemDetails.Errors)
            foreach (var m in messages) errors.Add(key, m);
        return ApiProblems.Validation(errors.ToDictionary());
    }

    private static async Task<IResult> CreateBulk(string? agentId, HttpRequest request, IAgentStore agents, ICallStore store,
        TimeProvider time, IRequiredActor<CallDispatcherSingleton> dispatcher, CancellationToken ct)
    {
        var body = await ApiJson.ReadAsync<List<CallRequest>>(request);
        if (!body.IsValid) return body.Error!;
        var agent = string.IsNullOrWhiteSpace(agentId) ? null : await agents.GetAsync(agentId, ct);
        if (CallRequestValidator.CheckAgent(agentId, agent) is { } refused) return refused;
        var items = body.Value!;
        var errors = new ValidationErrors();
        if (items.Count == 0) errors.Add("", "The body must be a non-empty array of calls.");
        if (items.Count > CallRequestValidator.MaxBulk) errors.Add("", $"At most {CallRequestValidator.MaxBulk} calls in one request ({items.Count} given).");
        if (!errors.IsEmpty) return ApiProblems.Validation(errors.ToDictionary());

        var context = CallRequestValidator.ContextOf(agent!);
        var now = time.GetUtcNow();
        var calls = new List<NewCall>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is null) { errors.Add($"[{i}]", "A call must be an object."); continue; }
            if (CallRequestValidator.Validate(items[i], context, now, $"[{i}].", errors) is { } call) calls.Add(call);
        }
        if (!errors.IsEmpty) return ApiProblems.Validation(errors.ToDictionary());

        var created = await store.CreateManyAsync(calls, ct);
        await KickAsync(dispatcher, ct);
        return TypedResults.Created($"/api/v1/calls", created.Select(c => c.Call).ToList());
    }

    private static async Task<IResult> Get(string callId, ICallStore store, CancellationToken ct) =>
        await store.GetAsync(callId, ct) is { } call ? TypedResults.Ok(call) : ApiProblems.NotFound("call", callId);

    private static async Task<IResult> Delete(string callId, ICallStore store, ICallLifecycleNotifier notifier, CancellationToken ct)
    {
        var (outcome, call) = await store.CancelAsync(callId, CancelReasons.Deleted, ct);
        switch (outcome)
        {
            case CancelOutcome.NotFound:
                return ApiProblems.NotFound("call", callId);
            case CancelOutcome.NotCancelable:
                return ApiProblems.Conflict($"Call '{callId}' is {call!.Status}: only a Queued or Created call can be deleted.");
            default:
                await notifier.CanceledAsync(callId, CancelReasons.Deleted, ct);
                return TypedResults.Ok(call);
        }
    }

    private static async Task<IResult> List(HttpRequest request, ICallStore store, CancellationToken ct)
    {
        var (query, error) = ParseQuery(request);
        return error ?? TypedResults.Ok(await store.ListAsync(query!, ct));
    }

    private static async Task<IResult> QueueList(HttpRequest request, ICallStore store, CancellationToken ct)
    {
        var (query, error) = ParseQuery(request);
        if (error is not null) return error;
        var page = await store.ListAsync(query!, ct);
        return TypedResults.Ok(new CallQueueList(page.Items, page.Total));
    }

    private static (CallQuery? Query, IResult? Error) ParseQuery(HttpRequest request)
    {
        var q = request.Query;
        var (skip, take, pagingError) = Paging.Parse(q["skip"].FirstOrDefault(), q["take"].FirstOrDefault());
        if (pagingError is not null) return (null, pagingError);
        var errors = new ValidationErrors();
        var statuses = new List<string>();
        foreach (var status in q["status"].SelectMany(s => (s ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            var known = CallStatuses.All.FirstOrDefault(s => s.Equals(status, StringComparison.OrdinalIgnoreCase));
            if (known is null) errors.Add("status", $"'{status}' is not a status ({string.Join(", ", CallStatuses.All)}).");
            else statuses.Add(known);
        }
        DateTimeOffset? Date(string name)
        {
            if (q[name].FirstOrDefault() is not { Length: > 0 } text) return null;
            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)) return value;
            errors.Add(name, $"{name} must be an ISO 8601 date-time.");
            return null;
        }
        var from = Date("fromDate");
        var to = Date("toDate");
        if (!errors.IsEmpty) return (null, ApiProblems.Validation(errors.ToDictionary()));
        return (new CallQuery
        {
            Statuses = statuses, AgentId = q["agentId"].FirstOrDefault(), CampaignId = q["campaignId"].FirstOrDefault(),
            FromDate = from, ToDate = to, Skip = skip, Take = take,
        }, null);
    }

    /// <summary>New calls are due now: wake the dispatcher rather than wait for its next poll.</summary>
    private static async Task KickAsync(IRequiredActor<CallDispatcherSingleton> dispatcher, CancellationToken ct) =>
        (await dispatcher.GetAsync(ct)).Tell(CallDispatcher.Kick.Instance);
}
