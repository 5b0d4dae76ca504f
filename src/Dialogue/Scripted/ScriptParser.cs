using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Orchestrator.Dialogue.Scripted;

/// <summary>One problem in a script, e.g. <c>script.intents[2].slots[0].type: unknown slot type 'colour'</c>.</summary>
public sealed record ScriptError(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>A parsed script, or the reasons it was rejected (never both).</summary>
public sealed record ScriptParseResult(ScriptDefinition? Script, IReadOnlyList<ScriptError> Errors)
{
    public bool IsValid => Script is not null;
}

/// <summary>
/// Validates and parses <c>config.script</c> into a <see cref="ScriptDefinition"/>. Never throws on any
/// JSON input: every problem becomes a field-level <see cref="ScriptError"/>. Field names are matched
/// case-insensitively and unknown fields are errors, so a typo is not silently ignored.
/// </summary>
public static class ScriptParser
{
    public static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(100);
    private const int MaxPatternLength = 2000;

    private static readonly Regex SlotNameRegex = new("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant);

    private static readonly Dictionary<string, SlotType> SlotTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["number"] = SlotType.Number, ["integer"] = SlotType.Integer, ["date"] = SlotType.Date,
        ["time"] = SlotType.Time, ["phone"] = SlotType.Phone, ["email"] = SlotType.Email,
        ["text"] = SlotType.Text, ["choice"] = SlotType.Choice,
    };

    /// <param name="script">The agent's <c>config.script</c>.</param>
    /// <param name="knownTools">The agent's tool names; when given, an intent calling any other tool is an error.</param>
    /// <param name="rootPath">Prefix of error paths (the REST API may pass <c>config.script</c>).</param>
    public static ScriptParseResult Parse(JsonNode? script, IEnumerable<string>? knownTools = null, string rootPath = "script")
    {
        var ctx = new Context(knownTools?.ToHashSet(StringComparer.Ordinal));
        var definition = ParseScript(ctx, script, rootPath);
        return ctx.Errors.Count == 0 && definition is not null
            ? new ScriptParseResult(definition, [])
            : new ScriptParseResult(null, ctx.Errors);
    }

    /// <summary>Only the errors (empty when the script is valid).</summary>
    public static IReadOnlyList<ScriptError> Validate(JsonNode? script, IEnumerable<string>? knownTools = null, string rootPath = "script") =>
        Parse(script, knownTools, rootPath).Errors;

    private sealed class Context(HashSet<string>? knownTools)
    {
        public List<ScriptError> Errors { get; } = [];
        public HashSet<string>? KnownTools { get; } = knownTools;

        // Templates are checked once every slot name is known, since any template may read any slot.
        public List<(string Path, Template Template)> Templates { get; } = [];

        public void Error(string path, string message) => Errors.Add(new ScriptError(path, message));
    }

    private static ScriptDefinition? ParseScript(Context ctx, JsonNode? node, string path)
    {
        var fields = ReadObject(ctx, node, path, ["greeting", "intents", "fallback", "maxFallbacks", "fallbackEnd", "silence", "wait", "toolError", "timeZone"]);
        if (fields is null) return null;

        var greeting = ReadTemplate(ctx, fields, "greeting", path);
        var intents = ImmutableArray.CreateBuilder<IntentDefinition>();
        if (fields.TryGetValue("intents", out var intentsNode) && intentsNode is not null)
        {
            var intentsPath = $"{path}.intents";
            if (intentsNode is not JsonArray array)
            {
                ctx.Error(intentsPath, "must be an array of intents");
            }
            else
            {
                var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                for (var i = 0; i < array.Count; i++)
                {
                    var intentPath = $"{intentsPath}[{i}]";
                    var intent = ParseIntent(ctx, array[i], intentPath);
                    if (intent is null) continue;
                    if (!names.Add(intent.Name)) ctx.Error($"{intentPath}.name", $"duplicate intent name '{intent.Name}'");
                    intents.Add(intent);
                }
            }
        }

        var fallback = ReadTemplateList(ctx, fields, "fallback", path);
        var maxFallbacks = ReadInt(ctx, fields, "maxFallbacks", path, min: 0);
        var fallbackEnd = ReadTemplate(ctx, fields, "fallbackEnd", path);
        if (fallbackEnd is not null && maxFallbacks is null && fields.ContainsKey("maxFallbacks") is false)
            ctx.Error($"{path}.fallbackEnd", "only used with maxFallbacks");
        var silence = ReadTemplateList(ctx, fields, "silence", path);
        var wait = ReadTemplate(ctx, fields, "wait", path);
        var toolError = ReadTemplate(ctx, fields, "toolError", path);

        TimeZoneInfo? timeZone = null;
        var tzName = ReadString(ctx, fields, "timeZone", path);
        if (tzName is not null && !TimeZoneInfo.TryFindSystemTimeZoneById(tzName, out timeZone))
            ctx.Error($"{path}.timeZone", $"unknown time zone '{tzName}' (use an IANA name such as Europe/Berlin)");

        var slotNames = intents.SelectMany(i => i.Slots).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (templatePath, template) in ctx.Templates)
            CheckVariables(ctx, templatePath, template, slotNames);

        return new ScriptDefinition(greeting, intents.ToImmutable(), fallback, maxFallbacks, fallbackEnd, silence, wait, toolError, timeZone);
    }

    private static IntentDefinition? ParseIntent(Context ctx, JsonNode? node, string path)
    {
        var fields = ReadObject(ctx, node, path, ["name", "match", "slots", "reply", "tool", "end"]);
        if (fields is null) return null;

        var name = ReadString(ctx, fields, "name", path);
        if (string.IsNullOrWhiteSpace(name))
        {
            if (name is not null || !fields.ContainsKey("name")) ctx.Error($"{path}.name", "required");
            name = null;
        }

        var slots = ImmutableArray.CreateBuilder<SlotDefinition>();
        if (fields.TryGetValue("slots", out var slotsNode) && slotsNode is not null)
        {
            if (slotsNode is not JsonArray array)
            {
                ctx.Error($"{path}.slots", "must be an array of slots");
            }
            else
            {
                var names = new HashSet<string>(StringComparer.Ordinal);
                for (var i = 0; i < array.Count; i++)
                {
                    var slot = ParseSlot(ctx, array[i], $"{path}.slots[{i}]");
                    if (slot is null) continue;
                    if (!names.Add(slot.Name)) ctx.Error($"{path}.slots[{i}].name", $"duplicate slot name '{slot.Name}'");
                    slots.Add(slot);
                }
            }
        }
        var slotList = slots.ToImmutable();

        var (keywords, patterns) = ParseMatch(ctx, fields, path, slotList);
        var reply = ReadTemplate(ctx, fields, "reply", path);
        var tool = fields.TryGetValue("tool", out var toolNode) && toolNode is not null ? ParseTool(ctx, toolNode, $"{path}.tool") : null;
        var end = ReadBool(ctx, fields, "end", path) ?? false;
        if (reply is null && tool is null && !end && !fields.ContainsKey("reply") && !fields.ContainsKey("tool"))
            ctx.Error(path, "an intent needs a reply, a tool or end: true");

        return name is null ? null : new IntentDefinition(name, keywords, patterns, slotList, reply, tool, end);
    }

    private static (ImmutableArray<string>, ImmutableArray<Regex>) ParseMatch(
        Context ctx, Dictionary<string, JsonNode?> intentFields, string intentPath, ImmutableArray<SlotDefinition> slots)
    {
        var path = $"{intentPath}.match";
        if (!intentFields.TryGetValue("match", out var node))
        {
            ctx.Error(path, "required: give keywords and/or patterns");
            return ([], []);
        }
        var fields = ReadObject(ctx, node, path, ["keywords", "patterns"]);
        if (fields is null) return ([], []);

        var keywords = ImmutableArray.CreateBuilder<string>();
        foreach (var (itemPath, text) in ReadStringArray(ctx, fields, "keywords", path))
        {
            var normalized = TextMatch.Normalize(text);
            if (!normalized.Any(TextMatch.IsWordChar)) ctx.Error(itemPath, "a keyword needs at least one letter or digit");
            else keywords.Add(normalized);
        }

        var patterns = ImmutableArray.CreateBuilder<Regex>();
        foreach (var (itemPath, text) in ReadStringArray(ctx, fields, "patterns", path))
        {
            if (text.Length == 0) { ctx.Error(itemPath, "empty pattern"); continue; }
            if (text.Length > MaxPatternLength) { ctx.Error(itemPath, $"longer than {MaxPatternLength} characters"); continue; }
            Regex regex;
            try
            {
                regex = new Regex(text, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, PatternTimeout);
            }
            catch (ArgumentException e)
            {
                ctx.Error(itemPath, $"invalid regular expression: {e.Message}");
                continue;
            }
            foreach (var group in regex.GetGroupNames())
            {
                if (group.All(char.IsAsciiDigit)) continue;
                if (!slots.Any(s => s.Name == group))
                    ctx.Error(itemPath, $"named group '{group}' names no slot of this intent");
            }
            patterns.Add(regex);
        }

        if (keywords.Count == 0 && patterns.Count == 0 && !ctx.Errors.Any(e => e.Path.StartsWith(path, StringComparison.Ordinal)))
            ctx.Error(path, "give at least one keyword or pattern");
        return (keywords.ToImmutable(), patterns.ToImmutable());
    }

    private static SlotDefinition? ParseSlot(Context ctx, JsonNode? node, string path)
    {
        var fields = ReadObject(ctx, node, path, ["name", "type", "required", "prompt", "invalid", "min", "max", "choices"]);
        if (fields is null) return null;

        var name = ReadString(ctx, fields, "name", path);
        if (name is null)
        {
            if (!fields.ContainsKey("name")) ctx.Error($"{path}.name", "required");
        }
        else if (!SlotNameRegex.IsMatch(name))
        {
            ctx.Error($"{path}.name", $"'{name}' is not a valid slot name (letters, digits and _, not starting with a digit)");
            name = null;
        }

        SlotType? type = null;
        var typeText = ReadString(ctx, fields, "type", path);
        if (typeText is null)
        {
            if (!fields.ContainsKey("type")) ctx.Error($"{path}.type", $"required: one of {string.Join("|", SlotTypes.Keys)}");
        }
        else if (SlotTypes.TryGetValue(typeText, out var t))
        {
            type = t;
        }
        else
        {
            ctx.Error($"{path}.type", $"unknown slot type '{typeText}' (expected one of {string.Join("|", SlotTypes.Keys)})");
        }

        var required = ReadBool(ctx, fields, "required", path) ?? true;
        var prompt = ReadTemplate(ctx, fields, "prompt", path);
        if (required && prompt is null && !fields.ContainsKey("prompt"))
            ctx.Error($"{path}.prompt", "required for a required slot (what to ask when it is missing)");
        var invalid = ReadTemplate(ctx, fields, "invalid", path);

        var min = ReadNumber(ctx, fields, "min", path);
        var max = ReadNumber(ctx, fields, "max", path);
        if ((min is not null || max is not null) && type is not (SlotType.Number or SlotType.Integer or null))
            ctx.Error($"{path}.{(min is not null ? "min" : "max")}", "only number and integer slots have bounds");
        if (min is not null && max is not null && min > max)
            ctx.Error($"{path}.min", $"min ({min}) is greater than max ({max})");

        var choices = ImmutableArray.CreateBuilder<string>();
        foreach (var (itemPath, choice) in ReadStringArray(ctx, fields, "choices", path))
        {
            var normalized = TextMatch.Normalize(choice);
            if (!normalized.Any(TextMatch.IsWordChar)) ctx.Error(itemPath, "a choice needs at least one letter or digit");
            else choices.Add(normalized);
        }
        if (type == SlotType.Choice && choices.Count == 0 && !fields.ContainsKey("choices"))
            ctx.Error($"{path}.choices", "required for a choice slot");
        else if (type == SlotType.Choice && choices.Count == 0 && fields.TryGetValue("choices", out var c) && c is JsonArray { Count: 0 })
            ctx.Error($"{path}.choices", "give at least one choice");
        else if (type is not (SlotType.Choice or null) && fields.ContainsKey("choices"))
            ctx.Error($"{path}.choices", "only choice slots have choices");

        return name is null || type is null
            ? null
            : new SlotDefinition(name, type.Value, required, prompt, invalid, min, max, choices.ToImmutable());
    }

    private static ToolCallDefinition? ParseTool(Context ctx, JsonNode node, string path)
    {
        var fields = ReadObject(ctx, node, path, ["name", "args", "onResult", "onTimeout", "onError"]);
        if (fields is null) return null;

        var name = ReadString(ctx, fields, "name", path);
        if (string.IsNullOrWhiteSpace(name))
        {
            if (name is not null || !fields.ContainsKey("name")) ctx.Error($"{path}.name", "required");
            name = null;
        }
        else if (ctx.KnownTools is { } known && !known.Contains(name))
        {
            var list = known.Count == 0 ? "the agent has no tools" : $"the agent's tools: {string.Join(", ", known.Order(StringComparer.Ordinal))}";
            ctx.Error($"{path}.name", $"unknown tool '{name}' ({list})");
        }

        var args = ImmutableArray.CreateBuilder<KeyValuePair<string, ToolArgument>>();
        if (fields.TryGetValue("args", out var argsNode) && argsNode is not null)
        {
            var argFields = ReadObject(ctx, argsNode, $"{path}.args", allowed: null);
            foreach (var (key, value) in argFields ?? [])
            {
                var argPath = $"{path}.args.{key}";
                if (value is not null && value.GetValueKind() == JsonValueKind.String)
                    args.Add(new(key, new ToolArgument.FromTemplate(ParseTemplate(ctx, value.GetValue<string>(), argPath))));
                else
                    args.Add(new(key, new ToolArgument.Literal(value?.ToJsonString() ?? "null")));
            }
        }

        var onResult = ReadTemplate(ctx, fields, "onResult", path);
        var onTimeout = ReadTemplate(ctx, fields, "onTimeout", path);
        var onError = ReadTemplate(ctx, fields, "onError", path);
        return name is null ? null : new ToolCallDefinition(name, args.ToImmutable(), onResult, onTimeout, onError);
    }

    // ---- template checks -----------------------------------------------------------------

    private static Template ParseTemplate(Context ctx, string text, string path)
    {
        var template = Template.Parse(text, out var errors);
        foreach (var e in errors) ctx.Error(path, e);
        ctx.Templates.Add((path, template));
        return template;
    }

    private static void CheckVariables(Context ctx, string path, Template template, HashSet<string> slotNames)
    {
        foreach (var variable in template.Variables)
        {
            var s = variable.Segments;
            switch (variable.Root)
            {
                case "additionalData":
                    break;
                case "input":
                    if (s.Length > 1) ctx.Error(path, $"'{variable}': input is the user's utterance and has no fields");
                    break;
                case "slots":
                    if (s.Length < 2 || s[1] is not string slot) ctx.Error(path, $"'{variable}': name a slot, like slots.partySize");
                    else if (!slotNames.Contains(slot)) ctx.Error(path, $"'{variable}': no intent has a slot named '{slot}'");
                    break;
                case "tool":
                    if (s.Length < 2 || s[1] is not ("status" or "name" or "result"))
                        ctx.Error(path, $"'{variable}': use tool.result, tool.status or tool.name");
                    else if (s[1] is "status" or "name" && s.Length > 2)
                        ctx.Error(path, $"'{variable}': tool.{s[1]} has no fields");
                    break;
                default:
                    ctx.Error(path, $"unknown template variable '{variable}' (it starts with one of {string.Join(", ", TemplateContext.Roots)})");
                    break;
            }
        }
    }

    // ---- readers -------------------------------------------------------------------------

    /// <summary>Reads an object's fields keyed by their canonical name; unknown and duplicate fields are errors.</summary>
    private static Dictionary<string, JsonNode?>? ReadObject(Context ctx, JsonNode? node, string path, string[]? allowed)
    {
        if (node is not JsonObject obj)
        {
            ctx.Error(path, node is null ? "required (an object)" : "must be an object");
            return null;
        }
        List<KeyValuePair<string, JsonNode?>> properties;
        try
        {
            properties = [.. obj];
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            ctx.Error(path, "has a duplicate property");
            return null;
        }
        var result = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in properties)
        {
            if (!seen.Add(key))
            {
                ctx.Error($"{path}.{key}", "duplicate property (names are case-insensitive)");
                continue;
            }
            // JSON null is treated as an absent field.
            if (value is null && allowed is not null) continue;
            if (allowed is null)
            {
                result[key] = value;
                continue;
            }
            var canonical = Array.Find(allowed, a => string.Equals(a, key, StringComparison.OrdinalIgnoreCase));
            if (canonical is null)
                ctx.Error($"{path}.{key}", $"unknown field (expected one of {string.Join(", ", allowed)})");
            else
                result[canonical] = value;
        }
        return result;
    }

    private static string? ReadString(Context ctx, Dictionary<string, JsonNode?> fields, string name, string path)
    {
        if (!fields.TryGetValue(name, out var node) || node is null) return null;
        if (node.GetValueKind() == JsonValueKind.String) return node.GetValue<string>();
        ctx.Error($"{path}.{name}", "must be a string");
        return null;
    }

    private static Template? ReadTemplate(Context ctx, Dictionary<string, JsonNode?> fields, string name, string path)
    {
        var text = ReadString(ctx, fields, name, path);
        return text is null ? null : ParseTemplate(ctx, text, $"{path}.{name}");
    }

    /// <summary>A string, or an array of strings (one per attempt).</summary>
    private static ImmutableArray<Template> ReadTemplateList(Context ctx, Dictionary<string, JsonNode?> fields, string name, string path)
    {
        if (!fields.TryGetValue(name, out var node) || node is null) return [];
        if (node.GetValueKind() == JsonValueKind.String) return [ParseTemplate(ctx, node.GetValue<string>(), $"{path}.{name}")];
        var items = ReadStringArray(ctx, fields, name, path, "must be a string or an array of strings");
        return [.. items.Select(i => ParseTemplate(ctx, i.Text, i.Path))];
    }

    private static List<(string Path, string Text)> ReadStringArray(
        Context ctx, Dictionary<string, JsonNode?> fields, string name, string path, string message = "must be an array of strings")
    {
        var result = new List<(string, string)>();
        if (!fields.TryGetValue(name, out var node) || node is null) return result;
        if (node is not JsonArray array)
        {
            ctx.Error($"{path}.{name}", message);
            return result;
        }
        for (var i = 0; i < array.Count; i++)
        {
            var itemPath = $"{path}.{name}[{i}]";
            if (array[i] is { } item && item.GetValueKind() == JsonValueKind.String) result.Add((itemPath, item.GetValue<string>()));
            else ctx.Error(itemPath, "must be a string");
        }
        return result;
    }

    private static bool? ReadBool(Context ctx, Dictionary<string, JsonNode?> fields, string name, string path)
    {
        if (!fields.TryGetValue(name, out var node) || node is null) return null;
        switch (node.GetValueKind())
        {
            case JsonValueKind.True: return true;
            case JsonValueKind.False: return false;
            default:
                ctx.Error($"{path}.{name}", "must be true or false");
                return null;
        }
    }

    private static double? ReadNumber(Context ctx, Dictionary<string, JsonNode?> fields, string name, string path)
    {
        if (!fields.TryGetValue(name, out var node) || node is null) return null;
        if (node.GetValueKind() == JsonValueKind.Number
            && double.TryParse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            && double.IsFinite(value))
            return value;
        ctx.Error($"{path}.{name}", "must be a number");
        return null;
    }

    private static int? ReadInt(Context ctx, Dictionary<string, JsonNode?> fields, string name, string path, int min)
    {
        if (!fields.TryGetValue(name, out var node) || node is null) return null;
        if (node.GetValueKind() == JsonValueKind.Number
            && int.TryParse(node.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            if (value >= min) return value;
            ctx.Error($"{path}.{name}", $"must be at least {min}");
            return null;
        }
        ctx.Error($"{path}.{name}", "must be a whole number");
        return null;
    }
}
