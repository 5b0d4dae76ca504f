using System.Text.Json.Nodes;

namespace Orchestrator.Actors.Dialer.Scheduling;

/// <summary>The outcome of parsing a schedule: the schedule, or errors keyed by their field path.</summary>
public sealed record ScheduleParseResult(CallSchedule? Schedule, IReadOnlyList<(string Path, string Message)> Errors)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>
/// Reads an agent's <c>schedule</c> object. Never throws: anything malformed is an error naming its
/// path (<c>schedule.mon[1].end.hour</c>), so the REST API can return it as it is.
/// </summary>
public static class ScheduleParser
{
    private static readonly Dictionary<string, DayOfWeek> DayNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["mon"] = DayOfWeek.Monday, ["monday"] = DayOfWeek.Monday,
        ["tue"] = DayOfWeek.Tuesday, ["tuesday"] = DayOfWeek.Tuesday,
        ["wed"] = DayOfWeek.Wednesday, ["wednesday"] = DayOfWeek.Wednesday,
        ["thu"] = DayOfWeek.Thursday, ["thursday"] = DayOfWeek.Thursday,
        ["fri"] = DayOfWeek.Friday, ["friday"] = DayOfWeek.Friday,
        ["sat"] = DayOfWeek.Saturday, ["saturday"] = DayOfWeek.Saturday,
        ["sun"] = DayOfWeek.Sunday, ["sunday"] = DayOfWeek.Sunday,
    };

    public static ScheduleParseResult Parse(JsonNode? node, string path = "schedule")
    {
        if (node is null) return new(CallSchedule.Always, []);
        var errors = new List<(string, string)>();
        if (node is not JsonObject obj)
            return new(null, [(path, "schedule must be an object with a timezone and day keys (mon … sun).")]);

        string? zone = null;
        var days = new Dictionary<DayOfWeek, List<ScheduleBlock>>();
        foreach (var (key, value) in obj)
        {
            if (string.Equals(key, "timezone", StringComparison.OrdinalIgnoreCase))
            {
                if (value is null) continue;
                if (value is not JsonValue v || !v.TryGetValue<string>(out var text))
                    errors.Add(($"{path}.timezone", "timezone must be a string (an IANA name such as Europe/Berlin)."));
                else if (!TimeZones.TryFind(text, out _))
                    errors.Add(($"{path}.timezone", $"'{text}' is not an IANA time zone (such as Europe/Berlin)."));
                else zone = text;
                continue;
            }
            if (!DayNames.TryGetValue(key, out var day))
            {
                errors.Add(($"{path}.{key}", $"'{key}' is not a day (mon … sun, or monday … sunday) nor timezone."));
                continue;
            }
            if (days.ContainsKey(day))
            {
                errors.Add(($"{path}.{key}", $"{day} is given twice."));
                continue;
            }
            var blocks = new List<ScheduleBlock>();
            days[day] = blocks;
            if (value is null) continue;
            if (value is not JsonArray array)
            {
                errors.Add(($"{path}.{key}", "A day must be an array of {start, end} blocks."));
                continue;
            }
            for (var i = 0; i < array.Count; i++)
            {
                var blockPath = $"{path}.{key}[{i}]";
                if (array[i] is not JsonObject block)
                {
                    errors.Add((blockPath, "A block must be an object {start: {hour, minute}, end: {hour, minute}}."));
                    continue;
                }
                var start = ReadTime(block, "start", $"{blockPath}.start", allowEndOfDay: false, errors);
                var end = ReadTime(block, "end", $"{blockPath}.end", allowEndOfDay: true, errors);
                if (start is null || end is null) continue;
                if (end <= start)
                {
                    errors.Add((blockPath, "end must be after start (a block never crosses midnight; end is exclusive)."));
                    continue;
                }
                blocks.Add(new ScheduleBlock(start.Value, end.Value));
            }
        }
        if (errors.Count > 0) return new(null, errors);
        var sorted = days.ToDictionary(d => d.Key, d => (IReadOnlyList<ScheduleBlock>)d.Value.OrderBy(b => b.Start).ToList());
        return new(new CallSchedule(zone, sorted), []);
    }

    private static TimeSpan? ReadTime(JsonObject block, string name, string path, bool allowEndOfDay, List<(string, string)> errors)
    {
        var node = Property(block, name);
        if (node is not JsonObject time)
        {
            errors.Add((path, $"{name} is required as {{hour, minute}}."));
            return null;
        }
        var hour = ReadInt(Property(time, "hour"));
        var minute = Property(time, "minute") is null ? 0 : ReadInt(Property(time, "minute"));
        if (hour is null || hour < 0 || hour > 24)
        {
            errors.Add(($"{path}.hour", "hour must be an integer from 0 to 23 (24 only as end, with minute 0)."));
            return null;
        }
        if (minute is null || minute < 0 || minute > 59)
        {
            errors.Add(($"{path}.minute", "minute must be an integer from 0 to 59."));
            return null;
        }
        if (hour == 24 && (!allowEndOfDay || minute != 0))
        {
            errors.Add(($"{path}.hour", "hour must be an integer from 0 to 23 (24 only as end, with minute 0)."));
            return null;
        }
        return new TimeSpan(hour.Value, minute.Value, 0);
    }

    private static JsonNode? Property(JsonObject obj, string name)
    {
        foreach (var (key, value) in obj)
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase)) return value;
        return null;
    }

    private static int? ReadInt(JsonNode? node)
    {
        if (node is not JsonValue value) return null;
        if (value.TryGetValue<int>(out var i)) return i;
        if (value.TryGetValue<double>(out var d) && d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue) return (int)d;
        if (value.TryGetValue<System.Text.Json.JsonElement>(out var e) && e.ValueKind == System.Text.Json.JsonValueKind.Number
            && e.TryGetInt32(out var ei)) return ei;
        return null;
    }
}
