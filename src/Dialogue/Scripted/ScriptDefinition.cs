using System.Collections.Immutable;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Orchestrator.Dialogue.Scripted;

/// <summary>A validated, immutable scripted dialogue (the agent's <c>config.script</c>). Build it with <see cref="ScriptParser"/>.</summary>
public sealed record ScriptDefinition(
    Template? Greeting,
    ImmutableArray<IntentDefinition> Intents,
    ImmutableArray<Template> Fallback,
    int? MaxFallbacks,
    Template? FallbackEnd,
    ImmutableArray<Template> Silence,
    Template? Wait,
    Template? ToolError,
    TimeZoneInfo? TimeZone)
{
    public IntentDefinition? FindIntent(string name)
    {
        foreach (var intent in Intents)
            if (string.Equals(intent.Name, name, StringComparison.Ordinal)) return intent;
        return null;
    }
}

public sealed record IntentDefinition(
    string Name,
    ImmutableArray<string> Keywords,
    ImmutableArray<Regex> Patterns,
    ImmutableArray<SlotDefinition> Slots,
    Template? Reply,
    ToolCallDefinition? Tool,
    bool End)
{
    /// <summary>Answers at once: no slots to fill and no tool to wait for (FAQ-like).</summary>
    public bool IsImmediate => Slots.IsEmpty && Tool is null;

    public SlotDefinition? FindSlot(string name)
    {
        foreach (var slot in Slots)
            if (string.Equals(slot.Name, name, StringComparison.Ordinal)) return slot;
        return null;
    }
}

public enum SlotType { Number, Integer, Date, Time, Phone, Email, Text, Choice }

public sealed record SlotDefinition(
    string Name,
    SlotType Type,
    bool Required,
    Template? Prompt,
    Template? Invalid,
    double? Min,
    double? Max,
    ImmutableArray<string> Choices);

/// <param name="Args">Argument name → a template (rendered as a string, or as the slot's typed value when the
/// template is exactly one placeholder) or a literal JSON value copied as is.</param>
public sealed record ToolCallDefinition(
    string Name,
    ImmutableArray<KeyValuePair<string, ToolArgument>> Args,
    Template? OnResult,
    Template? OnTimeout,
    Template? OnError);

public abstract record ToolArgument
{
    public sealed record FromTemplate(Template Template) : ToolArgument;

    /// <summary>A non-string JSON value, stored as text so the model stays immutable.</summary>
    public sealed record Literal(string Json) : ToolArgument
    {
        public JsonNode? ToNode() => JsonNode.Parse(Json);
    }
}
