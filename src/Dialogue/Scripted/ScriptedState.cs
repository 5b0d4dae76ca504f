using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orchestrator.Dialogue.Scripted;

/// <summary>
/// The scripted engine's conversation state, carried between steps as the opaque JSON string of
/// <see cref="DialogueStep.State"/>. <see cref="Today"/> is fixed when the conversation starts so that
/// every later step (and every replay) reads "tomorrow" the same way.
/// </summary>
internal sealed class ScriptedState
{
    public const int CurrentVersion = 1;

    public int V { get; set; } = CurrentVersion;
    public string Today { get; set; } = "";
    /// <summary>The intent being filled, if any.</summary>
    public string? Intent { get; set; }
    /// <summary>The slot whose prompt was said last; the next utterance is read for it first.</summary>
    public string? Pending { get; set; }
    public Dictionary<string, JsonElement> Slots { get; set; } = new(StringComparer.Ordinal);
    /// <summary>The tool call awaiting its result.</summary>
    public PendingCall? Call { get; set; }
    /// <summary>How many tool calls were made: the source of unique call ids.</summary>
    public int Calls { get; set; }
    public LastTool? Tool { get; set; }
    /// <summary>Consecutive misunderstandings.</summary>
    public int Fallbacks { get; set; }
    public bool Ended { get; set; }

    [JsonIgnore]
    public DateOnly TodayDate => DateOnly.ParseExact(Today, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    public sealed class PendingCall
    {
        public string Id { get; set; } = "";
        public string Tool { get; set; } = "";
        public string Intent { get; set; } = "";
    }

    public sealed class LastTool
    {
        public string Name { get; set; } = "";
        public string Status { get; set; } = "";
        public JsonElement? Result { get; set; }
    }

    public string Serialize() => JsonSerializer.Serialize(this, ScriptedStateJson.Default.ScriptedState);

    /// <summary>Reads a state string and checks it against the script; anything unreadable is a <see cref="DialogueStateException"/>.</summary>
    public static ScriptedState Deserialize(string text, ScriptDefinition script)
    {
        var state = DialogueStateJson.Read(text, ScriptedStateJson.Default.ScriptedState, "scripted dialogue state");
        if (state.V != CurrentVersion) throw new DialogueStateException($"Unsupported scripted dialogue state version {state.V} (expected {CurrentVersion}).");
        if (!DateOnly.TryParseExact(state.Today, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            throw new DialogueStateException($"The scripted dialogue state has an invalid date '{state.Today}'.");
        state.Slots ??= new(StringComparer.Ordinal);
        if (state.Intent is not null)
        {
            var intent = script.FindIntent(state.Intent)
                         ?? throw new DialogueStateException($"The scripted dialogue state names intent '{state.Intent}', which the script does not have.");
            if (state.Pending is not null && intent.FindSlot(state.Pending) is null)
                throw new DialogueStateException($"The scripted dialogue state names slot '{state.Pending}', which intent '{state.Intent}' does not have.");
        }
        else if (state.Pending is not null)
        {
            throw new DialogueStateException("The scripted dialogue state has a pending slot but no intent.");
        }
        if (state.Call is { } call)
        {
            if (string.IsNullOrEmpty(call.Id)) throw new DialogueStateException("The scripted dialogue state has a tool call without an id.");
            if (script.FindIntent(call.Intent) is not { Tool: not null })
                throw new DialogueStateException($"The scripted dialogue state has a tool call for intent '{call.Intent}', which calls no tool in the script.");
        }
        if (state.Calls < 0 || state.Fallbacks < 0) throw new DialogueStateException("The scripted dialogue state has a negative counter.");
        return state;
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ScriptedState))]
internal sealed partial class ScriptedStateJson : JsonSerializerContext;
