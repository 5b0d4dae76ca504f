using System.Text.Json.Nodes;
using Orchestrator.Messages.Calls;

namespace Orchestrator.Messages.Campaigns;

/// <summary>A named batch of calls for one agent with its own limits and retry policy (rest.md, Campaigns).</summary>
public sealed record Campaign
{
    public string CampaignId { get; init; } = "";
    public string Name { get; init; } = "";
    public string AgentId { get; init; } = "";
    /// <summary>Active | Paused | Completed | Canceled.</summary>
    public string Status { get; init; } = CampaignStatuses.Active;
    public int Concurrency { get; init; }
    public double? CpsLimit { get; init; }
    public JsonObject? Retry { get; init; }
    public DateTimeOffset? CallDeadline { get; init; }
    public string? Timezone { get; init; }
    public DateTimeOffset CreatedTime { get; init; }
    public DateTimeOffset? CompletedTime { get; init; }
    /// <summary>Calls by status, with <c>total</c>.</summary>
    public Dictionary<string, int> Counts { get; init; } = [];
    /// <summary>Ended attempts' last outcomes (finish reasons) over the campaign's finished calls.</summary>
    public Dictionary<string, int> Outcomes { get; init; } = [];
}

/// <summary>POST /campaigns body.</summary>
public sealed record CampaignRequest
{
    public string? Name { get; init; }
    public string? AgentId { get; init; }
    public int? Concurrency { get; init; }
    public double? CpsLimit { get; init; }
    public JsonObject? Retry { get; init; }
    public DateTimeOffset? CallDeadline { get; init; }
    public string? Timezone { get; init; }
    public List<CallRequest>? Calls { get; init; }
}

public static class CampaignStatuses
{
    public const string Active = "Active";
    public const string Paused = "Paused";
    public const string Completed = "Completed";
    public const string Canceled = "Canceled";
}
