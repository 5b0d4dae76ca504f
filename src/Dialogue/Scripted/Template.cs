using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Orchestrator.Dialogue.Scripted;

/// <summary>
/// A reply template: literal text with <c>{{path}}</c> or <c>{{path|default}}</c> placeholders.
/// Rendering never throws: a missing value renders as its default, or as nothing.
/// </summary>
public sealed class Template
{
    private readonly ImmutableArray<Segment> _segments;

    private Template(string source, ImmutableArray<Segment> segments)
    {
        Source = source;
        _segments = segments;
    }

    public string Source { get; }

    /// <summary>The variables the template reads, e.g. <c>slots.partySize</c>, <c>tool.result.items[0].name</c>.</summary>
    public IEnumerable<TemplatePath> Variables =>
        _segments.OfType<Placeholder>().Select(p => p.Path);

    /// <summary>The single variable when the template is exactly one placeholder (used to keep a tool argument's JSON type).</summary>
    public TemplatePath? SoleVariable =>
        _segments.Length == 1 && _segments[0] is Placeholder p ? p.Path : null;

    /// <summary>Parses <paramref name="source"/>. Syntax errors are reported and the bad part kept as literal text.</summary>
    public static Template Parse(string source, out IReadOnlyList<string> errors)
    {
        var errorList = new List<string>();
        var segments = ImmutableArray.CreateBuilder<Segment>();
        var literal = new StringBuilder();
        var i = 0;
        while (i < source.Length)
        {
            var open = source.IndexOf("{{", i, StringComparison.Ordinal);
            if (open < 0)
            {
                literal.Append(source, i, source.Length - i);
                break;
            }
            literal.Append(source, i, open - i);
            var close = source.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                errorList.Add($"unclosed '{{{{' at position {open}");
                literal.Append(source, open, source.Length - open);
                break;
            }
            var inner = source.Substring(open + 2, close - open - 2);
            var bar = inner.IndexOf('|');
            var pathText = (bar < 0 ? inner : inner[..bar]).Trim();
            var fallback = bar < 0 ? null : inner[(bar + 1)..].Trim();
            if (TemplatePath.TryParse(pathText, out var path, out var pathError))
            {
                if (literal.Length > 0) segments.Add(new Literal(literal.ToString()));
                literal.Clear();
                segments.Add(new Placeholder(path, fallback));
            }
            else
            {
                errorList.Add($"bad placeholder '{{{{{inner}}}}}': {pathError}");
                literal.Append(source, open, close + 2 - open);
            }
            i = close + 2;
        }
        if (literal.Length > 0) segments.Add(new Literal(literal.ToString()));
        errors = errorList;
        return new Template(source, segments.ToImmutable());
    }

    /// <summary>Parses leniently: for text that was not validated (the talk-first greeting).</summary>
    public static Template ParseLenient(string source) => Parse(source, out _);

    public string Render(TemplateContext context)
    {
        if (_segments.Length == 1 && _segments[0] is Literal only) return only.Text;
        var sb = new StringBuilder();
        foreach (var segment in _segments)
        {
            switch (segment)
            {
                case Literal l:
                    sb.Append(l.Text);
                    break;
                case Placeholder p:
                    var value = context.Resolve(p.Path);
                    var text = value is { } v ? ToText(v) : null;
                    sb.Append(string.IsNullOrEmpty(text) ? p.Default ?? "" : text);
                    break;
            }
        }
        return sb.ToString();
    }

    public override string ToString() => Source;

    internal static string? ToText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Object or JsonValueKind.Array => value.GetRawText(),
        _ => null,
    };

    private abstract record Segment;
    private sealed record Literal(string Text) : Segment;
    private sealed record Placeholder(TemplatePath Path, string? Default) : Segment;
}

/// <summary>A dotted, indexed path such as <c>tool.result.items[0].name</c>.</summary>
public sealed class TemplatePath
{
    private TemplatePath(string text, ImmutableArray<object> segments)
    {
        Text = text;
        Segments = segments;
    }

    public string Text { get; }

    /// <summary>Each segment is a property name (string) or an array index (int).</summary>
    public ImmutableArray<object> Segments { get; }

    public string Root => (string)Segments[0];

    public override string ToString() => Text;

    public static bool TryParse(string text, out TemplatePath path, out string error)
    {
        path = null!;
        error = "";
        var segments = ImmutableArray.CreateBuilder<object>();
        var i = 0;
        var expectName = true;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '[')
            {
                if (segments.Count == 0) { error = "a path starts with a name"; return false; }
                var end = text.IndexOf(']', i);
                if (end < 0 || !int.TryParse(text.AsSpan(i + 1, end - i - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    error = "an index is a whole number in brackets, like [0]";
                    return false;
                }
                segments.Add(index);
                i = end + 1;
                expectName = false;
            }
            else if (c == '.')
            {
                if (segments.Count == 0 || expectName) { error = "empty name in path"; return false; }
                i++;
                expectName = true;
            }
            else
            {
                if (!expectName) { error = $"unexpected '{c}'"; return false; }
                var start = i;
                while (i < text.Length && text[i] != '.' && text[i] != '[' && text[i] != ']') i++;
                var name = text[start..i];
                if (name.Length == 0 || name.Any(char.IsWhiteSpace)) { error = "names in a path have no spaces"; return false; }
                segments.Add(name);
                expectName = false;
            }
        }
        if (segments.Count == 0) { error = "empty placeholder"; return false; }
        if (expectName) { error = "path ends with '.'"; return false; }
        path = new TemplatePath(text, segments.ToImmutable());
        return true;
    }
}

/// <summary>The values a template can read during one step.</summary>
public sealed class TemplateContext
{
    public TemplateContext(JsonElement additionalData, IReadOnlyDictionary<string, JsonElement> slots,
        string? toolName, string? toolStatus, JsonElement? toolResult, string? input)
    {
        AdditionalData = additionalData;
        Slots = slots;
        ToolName = toolName;
        ToolStatus = toolStatus;
        ToolResult = toolResult;
        Input = input;
    }

    public JsonElement AdditionalData { get; }
    public IReadOnlyDictionary<string, JsonElement> Slots { get; }
    public string? ToolName { get; }
    public string? ToolStatus { get; }
    public JsonElement? ToolResult { get; }
    public string? Input { get; }

    public static readonly IReadOnlyList<string> Roots = ["additionalData", "slots", "tool", "input"];

    public JsonElement? Resolve(TemplatePath path)
    {
        var s = path.Segments;
        switch (path.Root)
        {
            case "additionalData":
                return Navigate(AdditionalData, s, 1);
            case "slots":
                if (s.Length < 2 || s[1] is not string slot || !Slots.TryGetValue(slot, out var value)) return null;
                return Navigate(value, s, 2);
            case "input":
                return s.Length == 1 && Input is not null ? JsonSerializer.SerializeToElement(Input) : null;
            case "tool":
                if (s.Length < 2 || s[1] is not string field) return null;
                return field switch
                {
                    "status" when s.Length == 2 && ToolStatus is not null => JsonSerializer.SerializeToElement(ToolStatus),
                    "name" when s.Length == 2 && ToolName is not null => JsonSerializer.SerializeToElement(ToolName),
                    "result" when ToolResult is { } r => Navigate(r, s, 2),
                    _ => null,
                };
            default:
                return null;
        }
    }

    private static JsonElement? Navigate(JsonElement current, ImmutableArray<object> segments, int from)
    {
        for (var i = from; i < segments.Length; i++)
        {
            // Tool results often arrive as a JSON document inside a string: look inside it.
            if (current.ValueKind == JsonValueKind.String && TryParseEmbedded(current.GetString()!, out var embedded))
                current = embedded;
            switch (segments[i])
            {
                case string name when current.ValueKind == JsonValueKind.Object:
                    if (!current.TryGetProperty(name, out current)) return null;
                    break;
                case int index when current.ValueKind == JsonValueKind.Array:
                    if (index >= current.GetArrayLength()) return null;
                    current = current[index];
                    break;
                default:
                    return null;
            }
        }
        return current;
    }

    private static bool TryParseEmbedded(string text, out JsonElement element)
    {
        element = default;
        var trimmed = text.AsSpan().Trim();
        if (trimmed.Length < 2 || (trimmed[0] != '{' && trimmed[0] != '[')) return false;
        try
        {
            using var doc = JsonDocument.Parse(text);
            element = doc.RootElement.Clone();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
