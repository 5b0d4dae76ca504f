namespace Orchestrator.Messages.Results;

/// <summary>POST /callresults/search body (rest.md, Results).</summary>
public sealed record ResultSearchRequest
{
    /// <summary>0-based, as on the hosted platform.</summary>
    public int Page { get; init; }
    public int Size { get; init; } = 20;
    public List<string>? AgentIds { get; init; }
    public List<string>? CallStatuses { get; init; }
    public List<string>? CallTypes { get; init; }
    public DateTimeOffset? FromDate { get; init; }
    public DateTimeOffset? ToDate { get; init; }
    public string? SearchText { get; init; }
    public string? CampaignId { get; init; }
    /// <summary>Keys like "callAdditionalData.key" matched for equality against the result's additionalData.</summary>
    public Dictionary<string, string>? AdditionalDataFilters { get; init; }
    public string? SortField { get; init; }
    public string? SortDirection { get; init; }
}

public sealed record ResultSearchResponse(
    List<ConversationResult> Results, int TotalCount, int Page, int Size, int TotalPages);
