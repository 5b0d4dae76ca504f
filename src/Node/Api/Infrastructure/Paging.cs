using System.Globalization;

namespace Orchestrator.Node.Api.Infrastructure;

/// <summary>skip/take of list endpoints (take ≤ 1000), parsed by hand to answer with field errors.</summary>
internal static class Paging
{
    public const int MaxTake = 1000;
    public const int DefaultTake = 100;

    public static (int Skip, int Take, IResult? Error) Parse(string? skip, string? take)
    {
        var errors = new ValidationErrors();
        var s = 0;
        var t = DefaultTake;
        if (skip is not null && (!int.TryParse(skip, NumberStyles.None, CultureInfo.InvariantCulture, out s) || s < 0))
            errors.Add("skip", "skip must be a whole number ≥ 0.");
        if (take is not null && (!int.TryParse(take, NumberStyles.None, CultureInfo.InvariantCulture, out t) || t < 1 || t > MaxTake))
            errors.Add("take", $"take must be a whole number from 1 to {MaxTake}.");
        return (s, t, errors.IsEmpty ? null : ApiProblems.Validation(errors.ToDictionary()));
    }
}
