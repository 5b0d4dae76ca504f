using Orchestrator.Actors.Dialer.Scheduling;
using Orchestrator.Messages.Agents;
using Orchestrator.Node.Api.Infrastructure;

namespace Orchestrator.Node.Api.Calls;

/// <summary>The agent fields the dialer reads (schedule, config.retry, config.maxConcurrentCalls), checked when an agent is saved.</summary>
internal static class AgentDialerFields
{
    public static void Validate(Agent agent, ValidationErrors errors)
    {
        foreach (var (path, message) in ScheduleParser.Parse(agent.Schedule).Errors) errors.Add(path, message);
        foreach (var (path, message) in RetryPolicy.Parse(agent.Config.Retry, "config.retry").Errors) errors.Add(path, message);
        if (agent.Config.MaxConcurrentCalls is int max && max < 1)
            errors.Add("config.maxConcurrentCalls", "maxConcurrentCalls must be at least 1 (leave it out for no limit).");
    }
}
