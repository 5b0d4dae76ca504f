using System.Text.Json.Nodes;
using Orchestrator.Messages.Agents;

namespace Orchestrator.Messages.Webhooks;

/// <summary>
/// Webhook secrets are write-only (rest.md, Agents): the API never returns them, and a PUT that
/// leaves one out keeps the stored one. A secret is matched to its webhook by place: the result
/// webhook, the start webhook, and a tool's webhook by the tool's name. The model's
/// <c>llmConfig.apiKey</c> is a secret of the same kind, and so are the <c>apiKey</c>s of an agent's
/// own speech servers in <c>sttConfig</c> and <c>ttsConfig</c>.
/// </summary>
public static class WebhookSecrets
{
    /// <summary>The agent as the API shows it: every webhook secret removed.</summary>
    public static Agent Redact(Agent agent)
    {
        var config = agent.Config;
        return agent with
        {
            Config = config with
            {
                LlmConfig = config.LlmConfig is { } llm
                    ? llm with { ApiKey = null, Fallbacks = llm.Fallbacks?.Select(f => f with { ApiKey = null }).ToList() }
                    : null!,
                SttConfig = WithoutKey(config.SttConfig),
                TtsConfig = WithoutKey(config.TtsConfig),
                ResultWebhook = config.ResultWebhook is { } result ? result with { Secret = null } : null,
                StartWebhook = config.StartWebhook is { } start ? start with { Secret = null } : null,
                Tools = config.Tools?.Select(ToolConfig (t) => t?.Webhook is { } hook ? t with { Webhook = hook with { Secret = null } } : t!).ToList() ?? [],
            },
        };
    }

    /// <summary><paramref name="incoming"/> with each secret it omits taken from <paramref name="existing"/>.</summary>
    public static Agent KeepOmitted(Agent incoming, Agent existing)
    {
        var config = incoming.Config;
        var old = existing.Config;
        var oldTools = (old.Tools ?? []).Where(t => t?.Webhook?.Secret is not null)
            .GroupBy(t => t.Name).ToDictionary(g => g.Key, g => g.First().Webhook!.Secret);
        return incoming with
        {
            Config = config with
            {
                LlmConfig = config.LlmConfig is { } llm
                    ? llm with
                    {
                        ApiKey = llm.ApiKey ?? (SameEndpoint(llm.Endpoint, old.LlmConfig?.Endpoint) ? old.LlmConfig?.ApiKey : null),
                        // A fallback's key is matched by its place in the list (and its endpoint).
                        Fallbacks = llm.Fallbacks?.Select((f, i) => f.ApiKey is null && old.LlmConfig?.Fallbacks is { } before && i < before.Count
                            && SameEndpoint(f.Endpoint, before[i].Endpoint)
                            ? f with { ApiKey = before[i].ApiKey } : f).ToList(),
                    }
                    : config.LlmConfig!,
                SttConfig = KeyKept(config.SttConfig, old.SttConfig),
                TtsConfig = KeyKept(config.TtsConfig, old.TtsConfig),
                ResultWebhook = config.ResultWebhook is { Secret: null } result
                    ? result with { Secret = old.ResultWebhook?.Secret } : config.ResultWebhook,
                StartWebhook = config.StartWebhook is { Secret: null } start
                    ? start with { Secret = old.StartWebhook?.Secret } : config.StartWebhook,
                Tools = config.Tools?.Select(ToolConfig (t) => t?.Webhook is { Secret: null } hook && oldTools.TryGetValue(t.Name, out var secret)
                    ? t with { Webhook = hook with { Secret = secret } } : t!).ToList() ?? [],
            },
        };
    }

    private const string SpeechKey = "apiKey";

    /// <summary>
    /// A key omitted from a PUT is kept only for the endpoint it was given for: an agent moved to
    /// another server without a new key must not send the old one there (it is a bearer token).
    /// </summary>
    private static bool SameEndpoint(string? incoming, string? existing) =>
        string.Equals(incoming?.Trim().TrimEnd('/'), existing?.Trim().TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    // Copies: the stored agent's JSON must not change under whoever else holds it.
    private static JsonObject? WithoutKey(JsonObject? speech)
    {
        if (speech is null || !speech.ContainsKey(SpeechKey)) return speech;
        var copy = speech.DeepClone().AsObject();
        copy.Remove(SpeechKey);
        return copy;
    }

    private static JsonObject? KeyKept(JsonObject? incoming, JsonObject? existing)
    {
        if (incoming is null || incoming.ContainsKey(SpeechKey) || existing?[SpeechKey] is not { } key) return incoming;
        if (!SameEndpoint(incoming["endpoint"]?.ToString(), existing["endpoint"]?.ToString())) return incoming;
        var copy = incoming.DeepClone().AsObject();
        copy[SpeechKey] = key.DeepClone();
        return copy;
    }
}
