using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Orchestrator.Dialogue.Llm;

/// <summary>
/// The LLM engine's conversation state, carried between steps as the opaque string of
/// <see cref="DialogueStep.State"/> and so journaled with every step: it is the model's whole
/// context, which is how a restarted or moved conversation continues where it was. The system
/// prompt is not kept here: it is rendered from the agent's config at every call.
/// </summary>
internal sealed class LlmState
{
    public const int CurrentVersion = 1;

    public int V { get; set; } = CurrentVersion;
    public List<LlmMessage> Messages { get; set; } = [];
    /// <summary>Tool calls of the last model step still waiting for their results.</summary>
    public List<LlmToolCall> Pending { get; set; } = [];
    /// <summary>How many tool calls were made: the source of the conversation-unique call ids.</summary>
    public int Calls { get; set; }
    /// <summary>Model calls that asked for tools since the user last spoke (bounded by maxToolSteps).</summary>
    public int ToolSteps { get; set; }
    public bool Ended { get; set; }

    public string Serialize() => JsonSerializer.Serialize(this, LlmStateJson.Default.LlmState);

    public static LlmState Deserialize(string text)
    {
        var state = DialogueStateJson.Read(text, LlmStateJson.Default.LlmState, "LLM dialogue state");
        if (state.V != CurrentVersion) throw new DialogueStateException($"Unsupported LLM dialogue state version {state.V} (expected {CurrentVersion}).");
        state.Messages ??= [];
        state.Pending ??= [];
        return state;
    }
}

/// <summary>One message of the model's history. Role is "user", "assistant" or "tool".</summary>
internal sealed class LlmMessage
{
    public string Role { get; set; } = "";
    public string? Text { get; set; }
    /// <summary>Assistant: the tools it asked for.</summary>
    public List<LlmToolCall>? Calls { get; set; }
    /// <summary>Tool: the model's id of the call this answers, and the result as JSON text.</summary>
    public string? CallId { get; set; }
    public string? Result { get; set; }
}

/// <summary>A tool call: <see cref="Id"/> is ours (unique in the conversation), <see cref="ModelId"/> the model's.</summary>
internal sealed class LlmToolCall
{
    public string Id { get; set; } = "";
    public string ModelId { get; set; } = "";
    public string Name { get; set; } = "";
    public JsonObject Args { get; set; } = [];
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LlmState))]
internal sealed partial class LlmStateJson : JsonSerializerContext;
