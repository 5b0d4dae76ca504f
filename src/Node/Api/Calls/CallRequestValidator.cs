using Orchestrator.Actors.Dialer.Scheduling;
using Orchestrator.Messages.Agents;
using Orchestrator.Messages.Calls;
using Orchestrator.Node.Api.Infrastructure;
using Orchestrator.Storage.Calls;

namespace Orchestrator.Node.Api.Calls;

/// <summary>
/// Turns a call request into a call to queue (rest.md, Outbound calls): checks its fields, applies
/// the defaults (priority 1, a deadline 24 h out) and schedules it by the agent's schedule.
/// </summary>
internal static class CallRequestValidator
{
    public const int MaxBulk = 10_000;

    /// <summary>The agent-level facts every call of a request shares.</summary>
    public sealed record AgentContext(Agent Agent, CallSchedule Schedule, RetryPolicy Retry, string? CampaignId = null);

    public static AgentContext ContextOf(Agent agent, RetryPolicy? campaignRetry = null, string? campaignId = null) =>
        new(agent, ScheduleParser.Parse(agent.Schedule).Schedule ?? CallSchedule.Always,
            campaignRetry ?? RetryPolicy.Parse(agent.Config.Retry).Policy ?? RetryPolicy.Default, campaignId);

    /// <summary>A call to create, or the errors found, keyed by field under <paramref name="prefix"/> (<c>[3].endpoint</c>).</summary>
    public static NewCall? Validate(CallRequest request, AgentContext context, DateTimeOffset now, string prefix, ValidationErrors errors,
        DateTimeOffset? defaultDeadline = null, string? defaultTimezone = null)
    {
        var before = errors.ToDictionary().Count;
        if (string.IsNullOrWhiteSpace(request.Endpoint))
            errors.Add(prefix + "endpoint", "endpoint is required (a number or a SIP URI).");
        else if (request.Endpoint.Length > 256)
            errors.Add(prefix + "endpoint", "endpoint must be at most 256 characters.");
        var deadline = request.CallDeadline ?? defaultDeadline ?? now + CallRules.DefaultDeadline;
        if (deadline <= now)
            errors.Add(prefix + "callDeadline", "callDeadline must lie in the future.");
        var zone = request.Timezone ?? defaultTimezone;
        if (zone is not null && !TimeZones.TryFind(zone, out _))
            errors.Add(prefix + "timezone", $"'{zone}' is not an IANA time zone (such as America/New_York).");
        if (request.NotBefore is { } nb && nb >= deadline)
            errors.Add(prefix + "notBefore", "notBefore must be before the callDeadline.");
        if (request.IdempotencyKey is { Length: > 200 })
            errors.Add(prefix + "idempotencyKey", "idempotencyKey must be at most 200 characters.");
        if (errors.ToDictionary().Count > before) return null;

        var timing = new CallTiming(now, deadline, request.NotBefore, zone);
        var standing = CallRules.Schedule(timing, context.Schedule, now);
        return new NewCall
        {
            AgentId = context.Agent.AgentId, CampaignId = context.CampaignId ?? request.CampaignId, Endpoint = request.Endpoint!.Trim(),
            Priority = request.Priority ?? 1, CallDeadline = deadline, Timezone = zone, NotBefore = request.NotBefore,
            Status = standing.Status, NextScheduleTime = standing.NextScheduleTime, CancelReason = standing.CancelReason,
            AdditionalData = request.AdditionalData ?? new(), Retry = context.Retry, IdempotencyKey = request.IdempotencyKey,
            CreatedTime = now,
        };
    }

    /// <summary>Why the agent takes no calls: 400 (unknown, no trunk) as field errors, or a 409 conflict (disabled).</summary>
    public static IResult? CheckAgent(string? agentId, Agent? agent)
    {
        var errors = new ValidationErrors();
        if (agent is null)
            errors.Add("agentId", string.IsNullOrWhiteSpace(agentId) ? "agentId is required." : $"No agent '{agentId}'.");
        else if (string.IsNullOrEmpty(agent.Config.OutboundSipConfig?["trunkId"]?.ToString()))
            errors.Add("agentId", "The agent has no config.outboundSipConfig.trunkId to dial through.");
        if (!errors.IsEmpty) return ApiProblems.Validation(errors.ToDictionary());
        return agent!.IsEnabled ? null : ApiProblems.Conflict($"Agent '{agent.AgentId}' is disabled (isEnabled: false) and takes no new calls.");
    }
}
