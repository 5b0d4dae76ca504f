using System.Text.Json.Nodes;
using Orchestrator.Speech.Vendors;

namespace Orchestrator.Actors.Conversations;

/// <summary>
/// The speech engines an agent's free-form <c>sttConfig</c>/<c>ttsConfig</c> ask for: read here once,
/// for the voice session and for the API's validation alike.
/// </summary>
public static class AgentSpeechRequests
{
    /// <summary>Null when the agent has no such config (the node's defaults then).</summary>
    public static SpeechEngineRequest? From(JsonObject? config) => config is null
        ? null
        : new SpeechEngineRequest(
            AgentConfigValues.String(config, "vendor"),
            AgentConfigValues.String(config, "model"),
            AgentConfigValues.String(config, "endpoint"),
            AgentConfigValues.String(config, "apiKey"));
}
