using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Orchestrator.Messages.Agents;

public sealed record AgentConfig
{
    public string PrimaryLanguage { get; init; } = "en-US";
    public LlmConfig LlmConfig { get; init; } = new();
    /// <summary>The scripted dialogue (docs/scripted-dialogue.md), used when the vendor is "scripted".</summary>
    public JsonObject? Script { get; init; }
    public JsonObject? SttConfig { get; init; }
    public JsonObject? TtsConfig { get; init; }
    public List<ToolConfig> Tools { get; init; } = [];
    public JsonObject? OutboundSipConfig { get; init; }
    public WebhookConfig? ResultWebhook { get; init; }
    /// <summary>Called before each dial attempt of a queued call; its reply can enrich or stop the attempt.</summary>
    public StartWebhookConfig? StartWebhook { get; init; }
    public AgentFeatures Features { get; init; } = new();
    /// <summary><i>(ours)</i> At most this many of the agent's queued calls up at once, cluster-wide; null: no limit.</summary>
    public int? MaxConcurrentCalls { get; init; }
    /// <summary><i>(ours)</i> The retry policy of the agent's queued calls (rest.md, Retries); null: one attempt.</summary>
    public JsonObject? Retry { get; init; }
}

public sealed record LlmConfig
{
    public string Vendor { get; init; } = "scripted";
    public string? Model { get; init; }
    public string? Endpoint { get; init; }
    /// <summary>The model endpoint's key. Write-only: the API leaves it out of what it returns.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ApiKey { get; init; }
    public string? Prompt { get; init; }
    public JsonObject? Options { get; init; }
    /// <summary>Tried in order when the model fails (after the client's own retries). Their keys are write-only too.</summary>
    public List<LlmFallback>? Fallbacks { get; init; }
}

public sealed record LlmFallback
{
    public string? Endpoint { get; init; }
    public string? Model { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ApiKey { get; init; }
}

public sealed record ToolConfig
{
    public string Name { get; init; } = "";
    public string? Description { get; init; }
    public JsonObject? Schema { get; init; }
    /// <summary>Set: the tool runs on the server. Null: it runs on the client over the socket.</summary>
    public WebhookConfig? Webhook { get; init; }
    /// <summary>What the agent is given when the tool times out or cannot run.</summary>
    public JsonNode? FallBackResult { get; init; }
    public double TimeoutSeconds { get; init; } = 10;
    public int RetryCount { get; init; }
}

public sealed record WebhookConfig
{
    public string Url { get; init; } = "";
    public Dictionary<string, string> Headers { get; init; } = [];
    /// <summary>Signs every delivery when set. Write-only: the API leaves it out of what it returns.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Secret { get; init; }
}

public sealed record StartWebhookConfig
{
    public string Url { get; init; } = "";
    public Dictionary<string, string> Headers { get; init; } = [];
    /// <summary>Signs every call when set. Write-only: the API leaves it out of what it returns.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Secret { get; init; }
    /// <summary>When the webhook fails or times out: false (default) dials anyway, true cancels the attempt.</summary>
    public bool FailClosed { get; init; }
}
