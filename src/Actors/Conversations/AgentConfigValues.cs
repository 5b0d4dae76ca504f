using System.Text.Json.Nodes;

namespace Orchestrator.Actors.Conversations;

/// <summary>Values from an agent's free-form stt/tts/sip config: null when absent or of another type, never a crash.</summary>
public static class AgentConfigValues
{
    public static string? String(JsonObject? config, string key) =>
        config?[key] is JsonValue value && value.TryGetValue<string>(out var result) ? result : null;

    public static double? Number(JsonObject? config, string key) =>
        config?[key] is JsonValue value && value.TryGetValue<double>(out var result) ? result : null;

    public static bool? Bool(JsonObject? config, string key) =>
        config?[key] is JsonValue value && value.TryGetValue<bool>(out var result) ? result : null;
}
