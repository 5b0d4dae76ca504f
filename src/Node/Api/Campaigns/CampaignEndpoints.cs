using System.Text;
using Akka.Actor;
using Akka.Hosting;
using Orchestrator.Actors.Dialer;
using Orchestrator.Actors.Dialer.Ports;
using Orchestrator.Actors.Dialer.Scheduling;
using Orchestrator.Messages.Calls;
using Orchestrator.Messages.Campaigns;
using Orchestrator.Node.Api.Calls;
using Orchestrator.Node.Api.Infrastructure;
using Orchestrator.Node.Hosting;
using Orchestrator.Storage;
using Orchestrator.Storage.Agents;
using Orchestrator.Storage.Calls;
using Orchestrator.Storage.Campaigns;

namespace Orchestrator.Node.Api.Campaigns;

/// <summary><c>/api/v1/campaigns</c> (rest.md, Campaigns): batches of calls with their own limits and retry policy.</summary>
internal static class CampaignEndpoints
{
    /// <summary>The answer to an append.</summary>
    public sealed record Appended(int Added);

    public static void MapCampaigns(this RouteGroupBuilder api)
    {
        var campaigns = api.MapGroup("/campaigns").WithTags("Campaigns");
        campaigns.MapPost("/", Create).WithName("CreateCampaign").Accepts<CampaignRequest>("application/json")
            .Produces<Campaign>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        campaigns.MapGet("/", List).WithName("ListCampaigns").Produces<PagedList<Campaign>>();
        campaigns.MapGet("/{campaignId}", Get).WithName("GetCampaign").Produces<Campaign>().ProducesProblem(StatusCodes.Status404NotFound);
        campaigns.MapPost("/{campaignId}/calls", Append).WithName("AppendCampaignCalls")
            .Accepts<List<CallRequest>>("application/json", "text/csv").Produces<Appended>(StatusCodes.Status201Created)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        campaigns.MapGet("/{campaignId}/calls", Calls).WithName("ListCampaignCalls").Produces<PagedList<Call>>();
        campaigns.MapPost("/{campaignId}/pause", (string campaignId, ICampaignStore store, CancellationToken ct) =>
            Transition(campaignId, [CampaignStatuses.Active], CampaignStatuses.Paused, store, ct)).WithName("PauseCampaign");
        campaigns.MapPost("/{campaignId}/resume", (string campaignId, ICampaignStore store, IRequiredActor<CallDispatcherSingleton> dispatcher,
            CancellationToken ct) => Transition(campaignId, [CampaignStatuses.Paused], CampaignStatuses.Active, store, ct, dispatcher)).WithName("ResumeCampaign");
        campaigns.MapPost("/{campaignId}/cancel", Cancel).WithName("CancelCampaign");
    }

    private static async Task<IResult> Create(HttpRequest request, IAgentStore agents, ICampaignStore campaigns, ICallStore calls,
        TimeProvider time, IRequiredActor<CallDispatcherSingleton> dispatcher, CancellationToken ct)
    {
        var body = await ApiJson.ReadAsync<CampaignRequest>(request);
        if (!body.IsValid) return body.Error!;
        var c = body.Value!;
        var errors = new ValidationErrors();
        if (string.IsNullOrWhiteSpace(c.Name)) errors.Add("name", "name is required.");
        if (c.Concurrency is not int concurrency || concurrency < 1) errors.Add("concurrency", "concurrency is required, at least 1.");
        if (c.CpsLimit is double cps && cps <= 0) errors.Add("cpsLimit", "cpsLimit must be above 0.");
        var (retry, retryErrors) = RetryPolicy.Parse(c.Retry);
        foreach (var (path, message) in retryErrors) errors.Add(path, message);
        var now = time.GetUtcNow();
        if (c.CallDeadline is { } deadline && deadline <= now) errors.Add("callDeadline", "callDeadline must lie in the future.");
        if (c.Timezone is { } zone && !TimeZones.TryFind(zone, out _)) errors.Add("timezone", $"'{zone}' is not an IANA time zone.");
        var agent = string.IsNullOrWhiteSpace(c.AgentId) ? null : await agents.GetAsync(c.AgentId, ct);
        if (CallRequestValidator.CheckAgent(c.AgentId, agent) is { } refused)
        {
            if (agent is null || string.IsNullOrEmpty(agent.Config.OutboundSipConfig?["trunkId"]?.ToString()))
            {
                errors.Add("agentId", agent is null ? (string.IsNullOrWhiteSpace(c.AgentId) ? "agentId is required." : $"No agent '{c.AgentId}'.")
                    : "The agent has no config.outboundSipConfig.trunkId to dial through.");
                return ApiProblems.Validation(errors.ToDictionary());
            }
            return refused;
        }
        if (!errors.IsEmpty) return ApiProblems.Validation(errors.ToDictionary());

        var campaignId = Guid.CreateVersion7().ToString();
        var context = CallRequestValidator.ContextOf(agent!, retry, campaignId);
        var newCalls = new List<NewCall>();
        for (var i = 0; i < (c.Calls?.Count ?? 0); i++)
            if (CallRequestValidator.Validate(c.Calls![i], context, now, $"calls[{i}].", errors, c.CallDeadline, c.Timezone) is { } call)
                newCalls.Add(call);
        if (!errors.IsEmpty) return ApiProblems.Validation(errors.ToDictionary());

        var created = await campaigns.CreateAsync(new Campaign
        {
            CampaignId = campaignId, Name = c.Name!.Trim(), AgentId = agent!.AgentId, Concurrency = c.Concurrency!.Value, CpsLimit = c.CpsLimit,
            Retry = c.Retry is null ? null : retry!.ToJson(), CallDeadline = c.CallDeadline, Timezone = c.Timezone,
        }, ct);
        if (newCalls.Count > 0) await calls.CreateManyAsync(newCalls, ct);
        (await dispatcher.GetAsync(ct)).Tell(CallDispatcher.Kick.Instance);
        return TypedResults.Created($"/api/v1/campaigns/{campaignId}", await campaigns.GetAsync(created.CampaignId, ct));
    }

    private static async Task<IResult> Append(string campaignId, HttpRequest request, ICampaignStore campaigns, IAgentStore agents,
        ICallStore calls, TimeProvider time, IRequiredActor<CallDispatcherSingleton> dispatcher, CancellationToken ct)
    {
        var campaign = await campaigns.GetAsync(campaignId, ct);
        if (campaign is null) return ApiProblems.NotFound("campaign", campaignId);
        if (campaign.Status is CampaignStatuses.Completed or CampaignStatuses.Canceled)
            return ApiProblems.Conflict($"Campaign '{campaignId}' is {campaign.Status}: it takes no more calls.");
        var agent = await agents.GetAsync(campaign.AgentId, ct);
        if (CallRequestValidator.CheckAgent(campaign.AgentId, agent) is { } refused) return refused;
        var context = CallRequestValidator.ContextOf(agent!,
            campaign.Retry is null ? null : RetryPolicy.Parse(campaign.Retry).Policy, campaignId);
        var now = time.GetUtcNow();

        int added;
        if (request.ContentType?.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase) == true)
        {
            using var text = new StreamReader(request.Body, Encoding.UTF8);
            try
            {
                added = await calls.CreateStreamAsync(FromCsv(CsvCallRows.ReadAsync(text, ct), context, campaign, now), ct);
            }
            catch (CsvFormatException e)
            {
                return ApiProblems.Validation(new Dictionary<string, string[]> { [$"line {e.Line}"] = [e.Message] });
            }
        }
        else
        {
            var body = await ApiJson.ReadAsync<List<CallRequest>>(request);
            if (!body.IsValid) return body.Error!;
            var errors = new ValidationErrors();
            var list = new List<NewCall>();
            if (body.Value!.Count > CallRequestValidator.MaxBulk)
                errors.Add("", $"At most {CallRequestValidator.MaxBulk} calls in one JSON request (upload text/csv for more).");
            for (var i = 0; i < body.Value.Count && errors.IsEmpty; i++)
                if (CallRequestValidator.Validate(body.Value[i] ?? new CallRequest(), context, now, $"[{i}].", errors, campaign.CallDeadline, campaign.Timezone)
                    is { } call) list.Add(call);
            if (!errors.IsEmpty) return ApiProblems.Validation(errors.ToDictionary());
            added = (await calls.CreateManyAsync(list, ct)).Count(c => c.IsNew);
        }
        (await dispatcher.GetAsync(ct)).Tell(CallDispatcher.Kick.Instance);
        return TypedResults.Created($"/api/v1/campaigns/{campaignId}/calls", new Appended(added));
    }

    /// <summary>Validates rows as they are read; the first bad one stops the upload (and the store adds nothing).</summary>
    private static async IAsyncEnumerable<NewCall> FromCsv(IAsyncEnumerable<(int Line, CallRequest Request)> rows,
        CallRequestValidator.AgentContext context, Campaign campaign, DateTimeOffset now)
    {
        await foreach (var (line, request) in rows)
        {
            var errors = new ValidationErrors();
            var call = CallRequestValidator.Validate(request, context, now, "", errors, campaign.CallDeadline, campaign.Timezone);
            if (call is null)
                throw new CsvFormatException(line, $"Line {line}: " + string.Join(" ", errors.ToDictionary().SelectMany(e => e.Value)));
            yield return call;
        }
    }

    private static async Task<IResult> Get(string campaignId, ICampaignStore store, CancellationToken ct) =>
        await store.GetAsync(campaignId, ct) is { } campaign ? TypedResults.Ok(campaign) : ApiProblems.NotFound("campaign", campaignId);

    private static async Task<IResult> List(string? skip, string? take, ICampaignStore store, CancellationToken ct)
    {
        var (s, t, error) = Paging.Parse(skip, take);
        return error ?? TypedResults.Ok(await store.ListAsync(s, t, ct));
    }

    private static async Task<IResult> Calls(string campaignId, HttpRequest request, ICampaignStore campaigns, ICallStore calls, CancellationToken ct)
    {
        if (await campaigns.GetAsync(campaignId, ct) is null) return ApiProblems.NotFound("campaign", campaignId);
        var (skip, take, error) = Paging.Parse(request.Query["skip"].FirstOrDefault(), request.Query["take"].FirstOrDefault());
        if (error is not null) return error;
        var statuses = request.Query["status"].Select(s => CallStatuses.All.FirstOrDefault(k => k.Equals(s, StringComparison.OrdinalIgnoreCase))).ToList();
        if (statuses.Any(s => s is null))
            return ApiProblems.Validation(new Dictionary<string, string[]> { ["status"] = [$"status must be one of {string.Join(", ", CallStatuses.All)}."] });
        return TypedResults.Ok(await calls.ListAsync(new CallQuery { CampaignId = campaignId, Statuses = statuses!, Skip = skip, Take = take }, ct));
    }

    private static async Task<IResult> Transition(string campaignId, string[] from, string to, ICampaignStore store, CancellationToken ct,
        IRequiredActor<CallDispatcherSingleton>? dispatcher = null)
    {
        var campaign = await store.GetAsync(campaignId, ct);
        if (campaign is null) return ApiProblems.NotFound("campaign", campaignId);
        if (!await store.TransitionAsync(campaignId, from, to, ct))
            return ApiProblems.Conflict($"Campaign '{campaignId}' is {campaign.Status}: it cannot become {to}.");
        if (dispatcher is not null) (await dispatcher.GetAsync(ct)).Tell(CallDispatcher.Kick.Instance);
        return TypedResults.Ok(await store.GetAsync(campaignId, ct));
    }

    /// <summary>Queued calls become Canceled (campaign_canceled); running ones finish.</summary>
    private static async Task<IResult> Cancel(string campaignId, ICampaignStore store, ICallQueue queue,
        ICallLifecycleNotifier notifier, CancellationToken ct)
    {
        var campaign = await store.GetAsync(campaignId, ct);
        if (campaign is null) return ApiProblems.NotFound("campaign", campaignId);
        if (!await store.TransitionAsync(campaignId, [CampaignStatuses.Active, CampaignStatuses.Paused], CampaignStatuses.Canceled, ct))
            return ApiProblems.Conflict($"Campaign '{campaignId}' is {campaign.Status}: it cannot be canceled.");
        foreach (var callId in await queue.CancelCampaignAsync(campaignId, ct))
            await notifier.CanceledAsync(callId, CancelReasons.CampaignCanceled, ct);
        return TypedResults.Ok(await store.GetAsync(campaignId, ct));
    }
}
