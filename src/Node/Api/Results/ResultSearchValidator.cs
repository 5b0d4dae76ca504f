using Orchestrator.Messages.Results;
using Orchestrator.Node.Api.Infrastructure;
using Orchestrator.Storage.Results;

namespace Orchestrator.Node.Api.Results;

/// <summary>Checks POST /callresults/search and spells statuses and call types as they are stored.</summary>
internal static class ResultSearchValidator
{
    /// <summary>A row's status is its call's (a queued call is a row from its creation).</summary>
    private static readonly string[] Statuses = Orchestrator.Messages.Calls.CallStatuses.All;

    public static (ResultSearchRequest Request, Dictionary<string, string[]> Errors) Validate(ResultSearchRequest request)
    {
        var errors = new ValidationErrors();
        if (request.Page < 0)
            errors.Add("page", "page must be 0 or more (pages are 0-based).");
        if (request.Size is < 1 or > ResultSearchFields.MaxPageSize)
            errors.Add("size", $"size must be from 1 to {ResultSearchFields.MaxPageSize}.");
        if (request.SortField is { Length: > 0 } sort && !ResultSearchFields.SortColumns.ContainsKey(sort))
            errors.Add("sortField", $"sortField must be one of: {string.Join(", ", ResultSearchFields.SortColumns.Keys)}.");
        if (request.SortDirection is { Length: > 0 } direction
            && !direction.Equals("asc", StringComparison.OrdinalIgnoreCase) && !direction.Equals("desc", StringComparison.OrdinalIgnoreCase))
            errors.Add("sortDirection", "sortDirection must be asc or desc.");
        if (request.FromDate is { } from && request.ToDate is { } to && from > to)
            errors.Add("toDate", "toDate must not be before fromDate.");

        var statuses = Canonical(request.CallStatuses, Statuses, "callStatuses", errors);
        var callTypes = Canonical(request.CallTypes, CallTypes.All, "callTypes", errors);

        foreach (var (key, value) in request.AdditionalDataFilters ?? [])
        {
            if (string.IsNullOrWhiteSpace(ResultSearchFields.AdditionalDataKey(key)))
                errors.Add("additionalDataFilters", "A filter needs a key: \"callAdditionalData.<key>\" or \"<key>\".");
            else if (value is null)
                errors.Add($"additionalDataFilters.{key}", "A filter value must be a string.");
        }

        return (request with { CallStatuses = statuses, CallTypes = callTypes }, errors.ToDictionary());
    }

    private static List<string>? Canonical(List<string>? values, string[] known, string field, ValidationErrors errors)
    {
        if (values is null) return null;
        var result = new List<string>();
        for (var i = 0; i < values.Count; i++)
        {
            var match = known.FirstOrDefault(k => string.Equals(k, values[i], StringComparison.OrdinalIgnoreCase));
            if (match is null) errors.Add($"{field}[{i}]", $"Must be one of: {string.Join(", ", known)}.");
            else result.Add(match);
        }
        return result;
    }
}
