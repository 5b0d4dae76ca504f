using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orchestrator.Dialogue.Analysis;

/// <summary>Label values: the JSON schema a model answers against, and checking a value against its label. Pure.</summary>
public static class AnalysisValues
{
    /// <summary>Every form as a required object of nullable label values (strict structured-output shape).</summary>
    public static JsonObject Schema(IReadOnlyList<AnalysisForm> forms)
    {
        var properties = new JsonObject();
        foreach (var form in forms)
        {
            var labels = new JsonObject();
            foreach (var label in form.Labels)
            {
                var schema = label.Type?.ToLowerInvariant() switch
                {
                    "number" => new JsonObject { ["type"] = new JsonArray("number", "null") },
                    "integer" => new JsonObject { ["type"] = new JsonArray("integer", "null") },
                    "boolean" => new JsonObject { ["type"] = new JsonArray("boolean", "null") },
                    "enum" => new JsonObject
                    {
                        ["type"] = new JsonArray("string", "null"),
                        ["enum"] = new JsonArray([.. (label.Choices ?? []).Select(c => (JsonNode?)JsonValue.Create(c)), null]),
                    },
                    _ => new JsonObject { ["type"] = new JsonArray("string", "null") },
                };
                if (!string.IsNullOrWhiteSpace(label.Description)) schema["description"] = label.Description;
                labels[label.Name] = schema;
            }
            properties[form.Name] = new JsonObject
            {
                ["type"] = "object", ["properties"] = labels, ["additionalProperties"] = false,
                ["required"] = new JsonArray([.. form.Labels.Select(l => (JsonNode?)JsonValue.Create(l.Name))]),
            };
        }
        return new JsonObject
        {
            ["type"] = "object", ["properties"] = properties, ["additionalProperties"] = false,
            ["required"] = new JsonArray([.. forms.Select(f => (JsonNode?)JsonValue.Create(f.Name))]),
        };
    }

    /// <summary>
    /// The forms filled from <paramref name="pick"/> (the raw value found for a label, or null). A
    /// value of the wrong type becomes null; <paramref name="allValid"/> says whether any had to.
    /// </summary>
    public static JsonObject Fill(IReadOnlyList<AnalysisForm> forms, Func<AnalysisForm, AnalysisLabel, JsonNode?> pick, out bool allValid)
    {
        allValid = true;
        var filled = new JsonObject();
        foreach (var form in forms)
        {
            var values = new JsonObject();
            foreach (var label in form.Labels)
            {
                var raw = pick(form, label);
                var value = Coerce(label, raw);
                if (raw is not null && value is null) allValid = false;
                values[label.Name] = value;
            }
            filled[form.Name] = values;
        }
        return filled;
    }

    /// <summary>The value as its label's type, or null when it is not one (strings of numbers and booleans are read).</summary>
    public static JsonNode? Coerce(AnalysisLabel label, JsonNode? value)
    {
        if (value is not JsonValue v) return null;
        var kind = v.GetValueKind();
        var text = kind == JsonValueKind.String ? v.GetValue<string>() : v.ToJsonString();
        switch (label.Type?.ToLowerInvariant())
        {
            case "number":
                return kind is JsonValueKind.Number or JsonValueKind.String
                       && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)
                    ? JsonValue.Create(d) : null;
            case "integer":
                return kind is JsonValueKind.Number or JsonValueKind.String
                       && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n == Math.Floor(n) && Math.Abs(n) < 1e15
                    ? JsonValue.Create((long)n) : null;
            case "boolean":
                return kind switch
                {
                    JsonValueKind.True => JsonValue.Create(true),
                    JsonValueKind.False => JsonValue.Create(false),
                    JsonValueKind.String when bool.TryParse(text, out var b) => JsonValue.Create(b),
                    _ => null,
                };
            case "enum":
                var choice = (label.Choices ?? []).FirstOrDefault(c => string.Equals(c, text, StringComparison.OrdinalIgnoreCase));
                return choice is null ? null : JsonValue.Create(choice);
            default:
                return kind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False
                    ? JsonValue.Create(text) : null;
        }
    }
}
