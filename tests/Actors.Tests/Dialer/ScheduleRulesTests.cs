using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Orchestrator.Actors.Dialer.Scheduling;

namespace Orchestrator.Actors.Tests.Dialer;

public class ScheduleRulesTests
{
    private static CallSchedule Weekdays(string zone, int fromHour = 9, int toHour = 17)
    {
        var block = $$$"""[{"start": {"hour": {{{fromHour}}}, "minute": 0}, "end": {"hour": {{{toHour}}}, "minute": 0}}]""";
        return ScheduleParser.Parse(JsonNode.Parse($$"""
            {"timezone": "{{zone}}", "mon": {{block}}, "tue": {{block}}, "wed": {{block}}, "thu": {{block}}, "fri": {{block}}}
            """)).Schedule!;
    }

    private static DateTimeOffset Utc(string iso) => DateTimeOffset.Parse(iso + "Z").ToUniversalTime();

    [Fact]
    public void Inside_the_hours_a_call_may_start_at_once()
    {
        var now = Utc("2026-03-04T10:00:00"); // Wednesday 11:00 in Berlin
        Assert.Equal(now, ScheduleRules.NextOpening(Weekdays("Europe/Berlin"), null, now));
        Assert.True(ScheduleRules.IsOpen(Weekdays("Europe/Berlin"), null, now));
    }

    [Fact]
    public void End_is_exclusive()
    {
        var fiveBerlin = Utc("2026-03-04T16:00:00"); // Wednesday 17:00 in Berlin (UTC+1)
        Assert.Equal(Utc("2026-03-05T08:00:00"), ScheduleRules.NextOpening(Weekdays("Europe/Berlin"), null, fiveBerlin));
        Assert.Equal(fiveBerlin.AddTicks(-1), ScheduleRules.NextOpening(Weekdays("Europe/Berlin"), null, fiveBerlin.AddTicks(-1)));
    }

    [Fact]
    public void Friday_evening_waits_for_monday_morning()
    {
        var fridayNight = Utc("2026-03-06T20:00:00");
        Assert.Equal(Utc("2026-03-09T08:00:00"), ScheduleRules.NextOpening(Weekdays("Europe/Berlin"), null, fridayNight));
    }

    [Fact]
    public void The_calls_zone_wins_over_the_schedules()
    {
        var at = Utc("2026-02-04T13:30:00"); // 08:30 in New York (UTC-5), 14:30 in Berlin
        var schedule = Weekdays("Europe/Berlin");
        Assert.Equal(at, ScheduleRules.NextOpening(schedule, null, at));
        Assert.Equal(Utc("2026-02-04T14:00:00"), ScheduleRules.NextOpening(schedule, "America/New_York", at));
        // An unknown call zone falls back to the schedule's.
        Assert.Equal(at, ScheduleRules.NextOpening(schedule, "Nowhere/Else", at));
    }

    [Fact]
    public void Nine_to_five_stays_local_across_the_spring_change_in_Berlin()
    {
        // Berlin moves from UTC+1 to UTC+2 on Sunday 29 March 2026; Friday 27th and Monday 30th straddle it.
        var schedule = Weekdays("Europe/Berlin");
        Assert.Equal(Utc("2026-03-27T08:00:00"), ScheduleRules.NextOpening(schedule, null, Utc("2026-03-27T00:00:00")));
        Assert.Equal(Utc("2026-03-30T07:00:00"), ScheduleRules.NextOpening(schedule, null, Utc("2026-03-27T16:00:00")));
        Assert.False(ScheduleRules.IsOpen(schedule, null, Utc("2026-03-30T15:00:00"))); // 17:00 CEST
        Assert.True(ScheduleRules.IsOpen(schedule, null, Utc("2026-03-30T14:59:00")));
    }

    [Fact]
    public void Nine_to_five_stays_local_across_the_autumn_change_in_New_York()
    {
        // New York goes from UTC-4 to UTC-5 on Sunday 1 November 2026.
        var schedule = Weekdays("America/New_York");
        Assert.Equal(Utc("2026-10-30T13:00:00"), ScheduleRules.NextOpening(schedule, null, Utc("2026-10-30T05:00:00")));
        Assert.Equal(Utc("2026-11-02T14:00:00"), ScheduleRules.NextOpening(schedule, null, Utc("2026-10-30T21:00:00")));
        Assert.True(ScheduleRules.IsOpen(schedule, null, Utc("2026-11-02T21:59:00")));  // 16:59 EST
        Assert.False(ScheduleRules.IsOpen(schedule, null, Utc("2026-11-02T22:00:00")));
    }

    [Fact]
    public void A_block_starting_in_the_skipped_hour_opens_when_the_gap_ends()
    {
        // 02:00–03:00 does not exist in Berlin on 29 March 2026; a Sunday 02:30–05:00 block opens at 03:00 CEST.
        var schedule = ScheduleParser.Parse(JsonNode.Parse("""
            {"timezone": "Europe/Berlin", "sun": [{"start": {"hour": 2, "minute": 30}, "end": {"hour": 5, "minute": 0}}]}
            """)).Schedule!;
        Assert.Equal(Utc("2026-03-29T01:00:00"), ScheduleRules.NextOpening(schedule, null, Utc("2026-03-28T12:00:00")));
    }

    [Fact]
    public void A_block_in_the_repeated_hour_opens_at_its_first_occurrence()
    {
        // 01:00–02:00 happens twice in New York on 1 November 2026; a 01:30 start is the first (EDT) one.
        var schedule = ScheduleParser.Parse(JsonNode.Parse("""
            {"timezone": "America/New_York", "sun": [{"start": {"hour": 1, "minute": 30}, "end": {"hour": 4, "minute": 0}}]}
            """)).Schedule!;
        Assert.Equal(Utc("2026-11-01T05:30:00"), ScheduleRules.NextOpening(schedule, null, Utc("2026-10-31T12:00:00")));
    }

    [Fact]
    public void A_schedule_without_hours_never_opens()
    {
        var schedule = ScheduleParser.Parse(JsonNode.Parse("""{"timezone": "UTC", "mon": []}""")).Schedule!;
        Assert.Null(ScheduleRules.NextOpening(schedule, null, Utc("2026-03-04T10:00:00")));
    }

    [Fact]
    public void Blocks_later_the_same_day_are_found()
    {
        var schedule = ScheduleParser.Parse(JsonNode.Parse("""
            {"timezone": "UTC", "wed": [{"start": {"hour": 9}, "end": {"hour": 12, "minute": 30}}, {"start": {"hour": 14}, "end": {"hour": 18}}]}
            """)).Schedule!;
        Assert.Equal(Utc("2026-03-04T14:00:00"), ScheduleRules.NextOpening(schedule, null, Utc("2026-03-04T12:30:00")));
        Assert.Equal(Utc("2026-03-11T09:00:00"), ScheduleRules.NextOpening(schedule, null, Utc("2026-03-04T18:00:00")));
    }

    private static readonly string[] Zones = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC", "Pacific/Chatham"];

    [Property(MaxTest = 300)]
    public Property The_next_opening_is_open_not_earlier_and_in_local_hours() =>
        Prop.ForAll(Gen.Elements(Zones).ToArbitrary(), Gen.Choose(0, 3 * 365 * 24 * 4).ToArbitrary(), Gen.Choose(0, 22).ToArbitrary(),
            (zone, quarterHours, startHour) =>
            {
                var schedule = Weekdays(zone, startHour, startHour + 1 + (quarterHours % (23 - startHour)));
                var from = Utc("2026-01-01T00:00:00").AddMinutes(15 * quarterHours);
                var next = ScheduleRules.NextOpening(schedule, null, from)!.Value;
                var local = TimeZoneInfo.ConvertTime(next, TimeZoneInfo.FindSystemTimeZoneById(zone));
                var block = schedule.BlocksOn(local.DayOfWeek).Single();
                // Inside the block's local hours (a start in a skipped hour opens up to an hour late), after from, within 4 days.
                return next >= from && next - from <= TimeSpan.FromDays(4)
                    && local.TimeOfDay >= block.Start && local.TimeOfDay < block.End
                    && ScheduleRules.IsOpen(schedule, null, next)
                    && (next == from || !ScheduleRules.IsOpen(schedule, null, next.AddMinutes(-1)) || next.AddMinutes(-1) < from);
            });
}
