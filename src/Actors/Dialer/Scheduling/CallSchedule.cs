namespace Orchestrator.Actors.Dialer.Scheduling;

/// <summary>One block of opening hours on a day: from <see cref="Start"/> (inclusive) to <see cref="End"/> (exclusive), local time.</summary>
public readonly record struct ScheduleBlock(TimeSpan Start, TimeSpan End);

/// <summary>
/// An agent's <c>schedule</c> (rest.md, Outbound calls) after parsing: the hours in which its calls
/// may start, per day of the week, read in a time zone. Blocks never cross midnight; an end of
/// 24:00 means the end of the day.
/// </summary>
public sealed record CallSchedule(string? TimeZone, IReadOnlyDictionary<DayOfWeek, IReadOnlyList<ScheduleBlock>> Days)
{
    /// <summary>No schedule: calls may start at any time.</summary>
    public static readonly CallSchedule Always = new(null, new Dictionary<DayOfWeek, IReadOnlyList<ScheduleBlock>>()) { IsAlways = true };

    /// <summary>True for "no schedule" (any time), as opposed to a schedule whose days are all empty (never).</summary>
    public bool IsAlways { get; private init; }

    public IReadOnlyList<ScheduleBlock> BlocksOn(DayOfWeek day) => Days.TryGetValue(day, out var blocks) ? blocks : [];
}
