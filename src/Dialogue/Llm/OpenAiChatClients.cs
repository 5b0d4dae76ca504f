using System.ClientModel;
using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;

namespace Orchestrator.Dialogue.Llm;

/// <summary>
/// <see cref="IChatClient"/>s for OpenAI-compatible endpoints (OpenAI, vLLM, Ollama, llama.cpp's
/// server), one per (endpoint, model, key) and shared by every conversation of those agents, so
/// their HTTP connections are pooled. Thread-safe.
/// </summary>
public sealed class OpenAiChatClients
{
    public const string DefaultEndpoint = "https://api.openai.com/v1";
    private const int MaxClients = 256;

    // Local servers take any key, but the OpenAI client refuses an empty one.
    private const string NoKey = "no-key";

    private readonly ConcurrentDictionary<(string, string, string), IChatClient> _clients = new();

    public IChatClient For(DialogueModel? model)
    {
        var endpoint = string.IsNullOrWhiteSpace(model?.Endpoint) ? DefaultEndpoint : model.Endpoint.Trim();
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new DialogueConfigException($"llmConfig.endpoint '{endpoint}' is not an http(s) URL.");
        if (string.IsNullOrWhiteSpace(model?.Model))
            throw new DialogueConfigException("An LLM agent needs llmConfig.model.");
        var key = string.IsNullOrEmpty(model.ApiKey) ? NoKey : model.ApiKey;
        return _clients.GetOrAdd((uri.AbsoluteUri, model.Model, key), k =>
        {
            if (_clients.Count >= MaxClients) _clients.Clear();
            return new ChatClient(k.Item2, new ApiKeyCredential(k.Item3), new OpenAIClientOptions { Endpoint = uri }).AsIChatClient();
        });
    }
}
