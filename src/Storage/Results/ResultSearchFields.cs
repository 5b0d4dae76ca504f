namespace Orchestrator.Storage.Results;

/// <summary>The search vocabulary shared by the store and the API's validation.</summary>
public static class ResultSearchFields
{
    /// <summary>rest.md, Results: size defaults to 20, at most 100.</summary>
    public const int MaxPageSize = 100;

    /// <summary>Sort fields (matched case-insensitively) and the column each sorts by.</summary>
    public static readonly IReadOnlyDictionary<string, string> SortColumns =
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["createdTime"] = "started_at",
            ["completedTime"] = "ended_at",
            ["startedAt"] = "started_at",
            ["endedAt"] = "ended_at",
            ["durationSeconds"] = "duration_seconds",
            ["status"] = "status",
        };

    public const string AdditionalDataPrefix = "callAdditionalData.";

    /// <summary>Where a result's campaign id is read from until results carry one of their own.</summary>
    public const string CampaignIdKey = "campaignId";

    /// <summary>"callAdditionalData.key" and a bare "key" both name the additionalData property "key".</summary>
    public static string AdditionalDataKey(string filterKey) =>
        filterKey.StartsWith(AdditionalDataPrefix, StringComparison.OrdinalIgnoreCase)
            ? filterKey[AdditionalDataPrefix.Length..]
            : filterKey;
}
