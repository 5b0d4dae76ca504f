namespace Orchestrator.Actors.Dialer.Scheduling;

/// <summary>
/// When a call may start. The schedule is read in the call's zone, else the schedule's, else UTC;
/// local wall-clock times are turned into instants per day, so a 09:00–17:00 block stays 09:00–17:00
/// local across a daylight-saving change (and is an hour shorter or longer in UTC that day).
/// </summary>
public static class ScheduleRules
{
    /// <summary>How far ahead an opening is looked for: a week covers every day once, plus a day for zone shifts.</summary>
    private const int DaysAhead = 8;

    public static TimeZoneInfo ZoneFor(CallSchedule schedule, string? callTimeZone) =>
        TimeZones.TryFind(callTimeZone, out var callZone) ? callZone
        : TimeZones.TryFind(schedule.TimeZone, out var scheduleZone) ? scheduleZone
        : TimeZoneInfo.Utc;

    public static bool IsOpen(CallSchedule schedule, string? callTimeZone, DateTimeOffset at) =>
        NextOpening(schedule, callTimeZone, at) == at;

    /// <summary>
    /// The first instant at or after <paramref name="from"/> inside the schedule: <paramref name="from"/>
    /// itself when it is open, null when the schedule has no hours at all.
    /// </summary>
    public static DateTimeOffset? NextOpening(CallSchedule schedule, string? callTimeZone, DateTimeOffset from)
    {
        if (schedule.IsAlways) return from;
        var zone = ZoneFor(schedule, callTimeZone);
        var localFrom = TimeZoneInfo.ConvertTime(from, zone);
        var firstDay = localFrom.Date.AddDays(-1); // the previous local day, in case a shift moved `from` across midnight
        for (var d = 0; d <= DaysAhead; d++)
        {
            var day = firstDay.AddDays(d);
            foreach (var block in schedule.BlocksOn(day.DayOfWeek))
            {
                var start = ToInstant(day + block.Start, zone);
                var end = ToInstant(day + block.End, zone);
                if (end <= start) continue; // the whole block lies in a skipped hour
                if (from >= start && from < end) return from;
                if (start > from) return start;
            }
        }
        return null;
    }

    /// <summary>
    /// A local wall-clock time as an instant. A time skipped by a spring-forward change is read as the
    /// first instant after the gap; a time that occurs twice (fall back) as its first occurrence.
    /// </summary>
    public static DateTimeOffset ToInstant(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            // Walk forward minute by minute to the end of the gap (gaps are at most a few hours).
            var probe = local;
            while (zone.IsInvalidTime(probe)) probe = probe.AddMinutes(1);
            probe = new DateTime(probe.Year, probe.Month, probe.Day, probe.Hour, probe.Minute, 0);
            return new DateTimeOffset(probe, zone.GetUtcOffset(probe));
        }
        if (zone.IsAmbiguousTime(local))
        {
            var offsets = zone.GetAmbiguousTimeOffsets(local);
            return new DateTimeOffset(local, offsets.Max()); // the larger offset is the earlier instant
        }
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }
}
