using System.Net;
using System.Text.Json.Nodes;
using Orchestrator.Storage.Agents;

namespace Orchestrator.Node.Tests.Api;

/// <summary>llmConfig.apiKey (and each fallback's) through /agents: kept on a PUT that omits it, for the same endpoint only.</summary>
[Collection(ApiCollection.Name)]
public sealed class AgentModelKeyApiTests(ApiNodeFixture fixture)
{
    private HttpClient Client => fixture.Client;

    private static JsonObject LlmAgent(string endpoint, string? key, string fallbackEndpoint, string? fallbackKey)
    {
        var agent = ApiTestExtensions.ValidAgent("Model key agent");
        var llm = new JsonObject { ["vendor"] = "openai", ["endpoint"] = endpoint, ["model"] = "m", ["prompt"] = "Be brief." };
        if (key is not null) llm["apiKey"] = key;
        var fallback = new JsonObject { ["endpoint"] = fallbackEndpoint, ["model"] = "backup" };
        if (fallbackKey is not null) fallback["apiKey"] = fallbackKey;
        llm["fallbacks"] = new JsonArray(fallback);
        agent["config"]!["llmConfig"] = llm;
        return agent;
    }

    [Fact]
    public async Task An_omitted_key_is_kept_for_its_endpoint_and_dropped_when_the_endpoint_moves()
    {
        var created = await Client.CreateAgentAsync(LlmAgent("https://models.example.com/v1", "sk-main-41d", "https://backup.example.com/v1", "sk-backup-9e2"));
        var id = (string)created["agentId"]!;
        var store = fixture.Node.Services.GetRequiredService<IAgentStore>();

        // The same endpoints (spelled with a trailing slash), no keys: both kept.
        await (await Client.PutAsync($"/api/v1/agents/{id}",
            LlmAgent("https://models.example.com/v1/", null, "https://backup.example.com/v1", null).Json())).ExpectAsync(HttpStatusCode.OK);
        var llm = (await store.GetAsync(id))!.Config.LlmConfig!;
        Assert.Equal(("sk-main-41d", "sk-backup-9e2"), (llm.ApiKey, llm.Fallbacks![0].ApiKey));

        // Both moved to other servers without keys: neither old key goes there.
        var put = await (await Client.PutAsync($"/api/v1/agents/{id}",
            LlmAgent("https://other.example.net/v1", null, "https://elsewhere.example.net/v1", null).Json())).ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain("sk-", put.ToJsonString());
        llm = (await store.GetAsync(id))!.Config.LlmConfig!;
        Assert.Equal(("https://other.example.net/v1", (string?)null, (string?)null), (llm.Endpoint, llm.ApiKey, llm.Fallbacks![0].ApiKey));
    }
}
