using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Orchestrator.Actors.Dialer.Scheduling;

namespace Orchestrator.Actors.Tests.Dialer;

public class ScheduleParserTests
{
    private static JsonNode Json(string text) => JsonNode.Parse(text)!;

    [Fact]
    public void Day_keys_are_case_insensitive_and_may_be_full_names()
    {
        var result = ScheduleParser.Parse(Json("""
            {"TimeZone": "Europe/Berlin",
             "MON": [{"start": {"hour": 14, "minute": 0}, "end": {"hour": 18, "minute": 0}},
                     {"start": {"hour": 9, "minute": 0}, "end": {"hour": 12, "minute": 30}}],
             "Tuesday": [{"start": {"hour": 8}, "end": {"hour": 24, "minute": 0}}], "sun": []}
            """));
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        var s = result.Schedule!;
        Assert.Equal("Europe/Berlin", s.TimeZone);
        Assert.False(s.IsAlways);
        Assert.Equal([new ScheduleBlock(TimeSpan.FromHours(9), new TimeSpan(12, 30, 0)), new ScheduleBlock(TimeSpan.FromHours(14), TimeSpan.FromHours(18))],
            s.BlocksOn(DayOfWeek.Monday));
        Assert.Equal([new ScheduleBlock(TimeSpan.FromHours(8), TimeSpan.FromHours(24))], s.BlocksOn(DayOfWeek.Tuesday));
        Assert.Empty(s.BlocksOn(DayOfWeek.Sunday));
        Assert.Empty(s.BlocksOn(DayOfWeek.Wednesday));
    }

    [Fact]
    public void No_schedule_means_any_time()
    {
        var result = ScheduleParser.Parse(null);
        Assert.True(result.Schedule!.IsAlways);
    }

    [Theory]
    [InlineData("""{"mon": [{"start": {"hour": 17, "minute": 0}, "end": {"hour": 9, "minute": 0}}]}""", "schedule.mon[0]", "never crosses midnight")]
    [InlineData("""{"mon": [{"start": {"hour": 9, "minute": 0}, "end": {"hour": 9, "minute": 0}}]}""", "schedule.mon[0]", "end must be after start")]
    [InlineData("""{"mon": [{"start": {"hour": 25, "minute": 0}, "end": {"hour": 26}}]}""", "schedule.mon[0].start.hour", "0 to 23")]
    [InlineData("""{"mon": [{"start": {"hour": 24, "minute": 0}, "end": {"hour": 24}}]}""", "schedule.mon[0].start.hour", "24 only as end")]
    [InlineData("""{"mon": [{"start": {"hour": 9, "minute": 61}, "end": {"hour": 10}}]}""", "schedule.mon[0].start.minute", "0 to 59")]
    [InlineData("""{"mon": [{"end": {"hour": 10}}]}""", "schedule.mon[0].start", "start is required")]
    [InlineData("""{"mon": {"start": 9}}""", "schedule.mon", "array")]
    [InlineData("""{"mon": [7]}""", "schedule.mon[0]", "must be an object")]
    [InlineData("""{"funday": []}""", "schedule.funday", "not a day")]
    [InlineData("""{"mon": [], "Monday": []}""", "schedule.Monday", "given twice")]
    [InlineData("""{"timezone": "Mars/Olympus"}""", "schedule.timezone", "not an IANA time zone")]
    [InlineData("""{"timezone": "W. Europe Standard Time"}""", "schedule.timezone", "not an IANA time zone")]
    [InlineData("""{"timezone": 3}""", "schedule.timezone", "must be a string")]
    [InlineData("""[1, 2]""", "schedule", "must be an object")]
    public void Bad_schedules_name_the_field(string json, string path, string words)
    {
        var result = ScheduleParser.Parse(Json(json));
        Assert.False(result.IsValid);
        Assert.Null(result.Schedule);
        Assert.Contains(result.Errors, e => e.Path == path && e.Message.Contains(words));
    }

    private static readonly Gen<JsonNode?> AnyNode = Gen.Sized(size => NodeOfSize(Math.Min(size, 4)));

    private static Gen<JsonNode?> NodeOfSize(int depth)
    {
        var leaf = Gen.OneOf(
            Gen.Constant<JsonNode?>(null),
            Gen.Choose(-30, 90).Select(i => (JsonNode?)JsonValue.Create(i)),
            Gen.Elements("mon", "Europe/Berlin", "", "x", "9").Select(s => (JsonNode?)JsonValue.Create(s)),
            Gen.Elements(true, false).Select(b => (JsonNode?)JsonValue.Create(b)),
            Gen.Elements(1.5, 9.0, -0.0).Select(d => (JsonNode?)JsonValue.Create(d)));
        if (depth <= 0) return leaf;
        var keys = Gen.Elements("mon", "TUE", "wednesday", "sun", "timezone", "start", "end", "hour", "minute", "x");
        var obj = Gen.ListOf(Gen.Zip(keys, NodeOfSize(depth - 1))).Select(pairs =>
        {
            var o = new JsonObject();
            foreach (var (k, v) in pairs) if (!o.ContainsKey(k)) o[k] = v;
            return (JsonNode?)o;
        });
        var arr = Gen.ListOf(NodeOfSize(depth - 1)).Select(items => (JsonNode?)new JsonArray(items.ToArray()));
        return Gen.OneOf(leaf, obj, arr);
    }

    [Property(MaxTest = 500)]
    public Property Any_json_gives_a_schedule_or_errors_never_a_crash() =>
        Prop.ForAll(AnyNode.ToArbitrary(), node =>
        {
            var result = ScheduleParser.Parse(node);
            return (result.Schedule is null) == (result.Errors.Count > 0)
                && result.Errors.All(e => e.Path.StartsWith("schedule") && e.Message.Length > 0)
                && (result.Schedule is null || Enum.GetValues<DayOfWeek>().All(d => result.Schedule.BlocksOn(d).All(b => b.Start < b.End)));
        });
}
