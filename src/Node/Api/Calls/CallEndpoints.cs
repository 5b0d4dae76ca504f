using Akka.Actor;
using Akka.Hosting;
using Orchestrator.Actors.Voice;
using Orchestrator.Messages.Calls;
using Orchestrator.Messages.Conversations;
using Orchestrator.Messages.Results;
using Orchestrator.Node.Api.Infrastructure;
using Orchestrator.Node.Hosting;
using Orchestrator.Storage.Agents;
using Orchestrator.Storage.Results;

namespace Orchestrator.Node.Api.Calls;

/// <summary>
/// <c>/api/v1/calls</c>: an onPhone conversation without a socket. In this version a call runs at
/// once (queueing, scheduling and campaigns come later); a trunk at its limits answers 429.
/// </summary>
internal static class CallEndpoints
{
    public static void MapCalls(this RouteGroupBuilder api)
    {
        var calls = api.MapGroup("/calls").WithTags("Calls");
        calls.MapPost("/", Create).WithName("CreateCall")
            .Accepts<CallRequest>("application/json").Produces<Call>(StatusCodes.Status201Created)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status429TooManyRequests);
        calls.MapGet("/{callId}", Get).WithName("GetCall")
            .Produces<Call>().ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> Create(string? agentId, HttpRequest request, IAgentStore agents, SipTelephony telephony,
        ConversationRouting conversations, CancellationToken ct)
    {
        var body = await ApiJson.ReadAsync<CallRequest>(request);
        if (!body.IsValid) return body.Error!;
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(body.Value!.Endpoint)) errors["endpoint"] = ["endpoint is required (a number or a SIP URI)."];
        var agent = string.IsNullOrWhiteSpace(agentId) ? null : await agents.GetAsync(agentId, ct);
        if (agent is null) errors["agentId"] = [string.IsNullOrWhiteSpace(agentId) ? "agentId is required." : $"No agent '{agentId}'."];
        var trunkId = agent?.Config.OutboundSipConfig?["trunkId"]?.ToString();
        if (agent is not null && string.IsNullOrEmpty(trunkId))
            errors["agentId"] = ["The agent has no config.outboundSipConfig.trunkId to dial through."];
        if (errors.Count > 0) return ApiProblems.Validation(errors);

        var trunk = await telephony.FindTrunkAsync(trunkId!, ct);
        if (trunk is null) return ApiProblems.Validation(new Dictionary<string, string[]> { ["agentId"] = [$"The agent's trunk '{trunkId}' does not exist."] });
        if (telephony.CheckLimits(trunk) is { } limit)
            return Microsoft.AspNetCore.Http.Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Trunk at its limit", detail: limit);

        var router = await conversations.GetAsync(ct);
        var id = router.NewConversationId(CallTypes.OnPhone); // pinned to this node, which dials and owns the media
        var reply = await router.Ask<object>(new ConversationCommands.Start(id, agent!, CallTypes.OnPhone,
            body.Value.AdditionalData ?? new(), body.Value.Endpoint, [], Socket: null), TimeSpan.FromSeconds(10), ct);
        if (reply is ConversationReplies.Rejected rejected)
            return Microsoft.AspNetCore.Http.Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Call not started", detail: rejected.Reason);
        var call = new Call
        {
            CallId = id, ConversationId = id, AgentId = agent!.AgentId, Endpoint = body.Value.Endpoint!,
            AdditionalData = body.Value.AdditionalData ?? new(), CreatedTime = DateTimeOffset.UtcNow,
        };
        return TypedResults.Created($"/api/v1/calls/{id}", call);
    }

    /// <summary>A finished call is read from its stored result; a running one from its conversation.</summary>
    private static async Task<IResult> Get(string callId, IResultStore results, ConversationRouting conversations,
        CancellationToken ct)
    {
        if (await results.GetAsync(callId, ct) is { } result)
            return TypedResults.Ok(new Call
            {
                CallId = callId, ConversationId = callId, AgentId = result.AgentId, Endpoint = result.Endpoint ?? "",
                Status = result.Status, AdditionalData = result.AdditionalData, CreatedTime = result.StartedAt,
                CompletedTime = result.EndedAt,
            });
        var router = await conversations.GetAsync(ct);
        var status = await router.Ask<ConversationReplies.Status>(new ConversationCommands.GetStatus(callId), TimeSpan.FromSeconds(5), ct);
        return status is { Exists: true, Ended: false }
            ? TypedResults.Ok(new Call { CallId = callId, ConversationId = callId, Status = CallStatuses.Running })
            : ApiProblems.NotFound("call", callId);
    }
}
