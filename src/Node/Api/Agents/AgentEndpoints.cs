using Orchestrator.Messages.Agents;
using Orchestrator.Messages.Webhooks;
using Orchestrator.Node.Api.Infrastructure;
using Orchestrator.Storage;
using Orchestrator.Storage.Agents;

namespace Orchestrator.Node.Api.Agents;

/// <summary><c>/api/v1/agents</c> (rest.md, Agents).</summary>
internal static class AgentEndpoints
{
    public static void MapAgents(this RouteGroupBuilder api)
    {
        var agents = api.MapGroup("/agents").WithTags("Agents");

        agents.MapGet("/", List).WithName("ListAgents")
            .Produces<PagedList<Agent>>().ProducesValidationProblem();
        agents.MapPost("/", Create).WithName("CreateAgent")
            .Accepts<Agent>("application/json").Produces<Agent>(StatusCodes.Status201Created).ProducesValidationProblem();
        agents.MapGet("/{agentId}", Get).WithName("GetAgent")
            .Produces<Agent>().ProducesProblem(StatusCodes.Status404NotFound);
        agents.MapPut("/{agentId}", Replace).WithName("ReplaceAgent")
            .Accepts<Agent>("application/json").Produces<Agent>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        agents.MapDelete("/{agentId}", Delete).WithName("DeleteAgent")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> List(string? skip, string? take, IAgentStore store, CancellationToken ct)
    {
        var paging = Paging.Parse(skip, take);
        if (paging.Error is not null) return paging.Error;
        var page = await store.ListAsync(paging.Skip, paging.Take, ct);
        return TypedResults.Ok(page with { Items = page.Items.Select(WebhookSecrets.Redact).ToList() });
    }

    private static async Task<IResult> Get(string agentId, IAgentStore store, CancellationToken ct) =>
        await store.GetAsync(agentId, ct) is { } agent ? TypedResults.Ok(WebhookSecrets.Redact(agent)) : ApiProblems.NotFound("agent", agentId);

    private static async Task<IResult> Create(HttpRequest request, IAgentStore store, AgentValidator validator, CancellationToken ct)
    {
        var body = await ApiJson.ReadAsync<Agent>(request);
        if (!body.IsValid) return body.Error!;
        var agent = AgentValidator.Normalize(body.Value!) with { AgentId = "" };
        var errors = validator.ValidateAgent(agent);
        if (errors.Count > 0) return ApiProblems.Validation(errors);

        var created = await store.CreateAsync(agent, ct);
        return TypedResults.Created($"/api/v1/agents/{Uri.EscapeDataString(created.AgentId)}", WebhookSecrets.Redact(created));
    }

    private static async Task<IResult> Replace(string agentId, HttpRequest request, IAgentStore store, AgentValidator validator, CancellationToken ct)
    {
        var body = await ApiJson.ReadAsync<Agent>(request);
        if (!body.IsValid) return body.Error!;
        var agent = AgentValidator.Normalize(body.Value!);
        var errors = validator.ValidateAgent(agent);
        if (errors.Count > 0) return ApiProblems.Validation(errors);

        return await store.ReplaceAsync(agentId, agent, ct) is { } replaced
            ? TypedResults.Ok(WebhookSecrets.Redact(replaced))
            : ApiProblems.NotFound("agent", agentId);
    }

    private static async Task<IResult> Delete(string agentId, IAgentStore store, CancellationToken ct) =>
        await store.DeleteAsync(agentId, ct) ? TypedResults.NoContent() : ApiProblems.NotFound("agent", agentId);
}
