using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Messages.Integrations;
using Orchestrator.Node.Tests.Infrastructure;
using Orchestrator.Storage.Integrations;

namespace Orchestrator.Node.Tests.Llm;

/// <summary>LLM agents for the call tests, created through the REST API as an operator would, and tokens to call them.</summary>
internal static class LlmCallAgents
{
    /// <summary>
    /// An agent on the local model server that only speaks when spoken to (no greeting, no silence
    /// reminders), so everything the caller hears is the model's reply.
    /// </summary>
    public static JsonObject Body(string endpoint, JsonObject? outboundSipConfig = null, JsonObject? additionalData = null)
    {
        var config = new JsonObject
        {
            ["primaryLanguage"] = "en-US",
            ["llmConfig"] = new JsonObject
            {
                ["vendor"] = "openai", ["endpoint"] = endpoint, ["model"] = "test-model", ["apiKey"] = "sk-test",
                ["prompt"] = "You book tables for {{additionalData.firstName}} at {{additionalData.restaurant}}.",
            },
            // The espeak-ng voice the stock pocketsphinx model hears best (Speech tests).
            ["ttsConfig"] = new JsonObject { ["voiceId"] = "en-us+f2" },
            ["features"] = new JsonObject
            {
                ["talkFirst"] = new JsonObject { ["isEnabled"] = false },
                ["silenceManagement"] = new JsonObject { ["isEnabled"] = false },
            },
        };
        if (outboundSipConfig is not null) config["outboundSipConfig"] = outboundSipConfig;
        return new JsonObject
        {
            ["name"] = "llm call agent " + Guid.NewGuid().ToString("N")[..6],
            ["isEnabled"] = true,
            ["additionalData"] = additionalData ?? new JsonObject(),
            ["config"] = config,
        };
    }

    public static async Task<string> CreateAsync(TestNode node, JsonObject body)
    {
        using var http = node.CreateClient();
        var response = await http.PostAsJsonAsync("/api/v1/agents", body);
        var created = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True(response.IsSuccessStatusCode, created.ToJsonString());
        return created["agentId"]!.GetValue<string>();
    }

    public static async Task<string> TokenAsync(TestNode node, string agentId, params string[] features)
    {
        var integrations = node.Services.GetRequiredService<IWebIntegrationStore>();
        var integration = await integrations.CreateAsync(new WebIntegration
        {
            Name = "llm-call-" + Guid.NewGuid().ToString("N")[..6], AgentId = agentId,
            Features = [.. features.Append(IntegrationFeatures.SendCallResult).Select(f => new IntegrationFeature(f, true))],
            Tools = [],
        });
        return (await integrations.CreateTokenAsync(integration.Id, "t", null))!.Token;
    }
}
