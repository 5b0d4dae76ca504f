using System.Text.Json.Nodes;
using Orchestrator.Actors.Dialer.Ports;
using Orchestrator.Actors.Dialer.Scheduling;

namespace Orchestrator.Storage.Calls;

/// <summary>
/// A call to create, already validated and scheduled by the caller: <see cref="Status"/> and
/// <see cref="NextScheduleTime"/> come from <see cref="CallRules.Schedule"/>.
/// </summary>
public sealed record NewCall
{
    public required string AgentId { get; init; }
    public string? CampaignId { get; init; }
    public required string Endpoint { get; init; }
    public int Priority { get; init; } = 1;
    public required DateTimeOffset CallDeadline { get; init; }
    public string? Timezone { get; init; }
    public DateTimeOffset? NotBefore { get; init; }
    public required string Status { get; init; }
    public DateTimeOffset? NextScheduleTime { get; init; }
    public string? CancelReason { get; init; }
    public JsonObject AdditionalData { get; init; } = new();
    public RetryPolicy Retry { get; init; } = RetryPolicy.Default;
    public string? IdempotencyKey { get; init; }
    /// <summary>The instant the request's defaults (the 24 h deadline) were computed from; now when null.</summary>
    public DateTimeOffset? CreatedTime { get; init; }
}

/// <summary>A call as created, and whether it is new (false: an earlier call with the same idempotency key).</summary>
public sealed record CreatedCall(Orchestrator.Messages.Calls.Call Call, bool IsNew);

/// <summary>Filters of the call lists.</summary>
public sealed record CallQuery
{
    public IReadOnlyList<string>? Statuses { get; init; }
    public string? AgentId { get; init; }
    public string? CampaignId { get; init; }
    public DateTimeOffset? FromDate { get; init; }
    public DateTimeOffset? ToDate { get; init; }
    public int Skip { get; init; }
    public int Take { get; init; } = 100;
}

public enum CancelOutcome { Canceled, NotFound, NotCancelable }
