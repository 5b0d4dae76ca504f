using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Storage.Agents;

namespace Orchestrator.Node.Tests.Api;

/// <summary>
/// Issue 9: an agent's <c>sttConfig.vendor</c>/<c>ttsConfig.vendor</c> are checked when it is stored, so an
/// accepted agent never fails a call for them; the key of its own speech server is write-only. The
/// shared node has no default OpenAI endpoint (Orchestrator:Voice:OpenAiBaseAddress unset).
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class AgentSpeechVendorsApiTests(ApiNodeFixture fixture)
{
    private HttpClient Client => fixture.Client;

    private static JsonObject Agent(JsonObject? stt, JsonObject? tts)
    {
        var agent = ApiTestExtensions.ValidAgent("Speech vendors");
        if (stt is not null) agent["config"]!["sttConfig"] = stt;
        if (tts is not null) agent["config"]!["ttsConfig"] = tts;
        return agent;
    }

    private async Task<JsonObject> RefusedAsync(JsonObject agent)
    {
        var problem = await (await Client.PostAsync("/api/v1/agents", agent.Json())).ExpectProblemAsync(HttpStatusCode.BadRequest);
        return problem.Errors();
    }

    [Fact]
    public async Task An_unknown_vendor_is_a_400_naming_the_field_and_the_allowed_vendors()
    {
        var errors = await RefusedAsync(Agent(new JsonObject { ["vendor"] = "google" }, new JsonObject { ["vendor"] = "pocketsphinx" }));

        Assert.Equal("vendor must be one of: pocketsphinx, openai.", (string)errors["config.sttConfig.vendor"]![0]!);
        Assert.Equal("vendor must be one of: espeak, openai.", (string)errors["config.ttsConfig.vendor"]![0]!);
        Assert.Equal(2, errors.Count);
    }

    [Fact]
    public async Task Openai_with_no_endpoint_on_the_agent_or_the_node_is_a_400_on_the_endpoint()
    {
        var errors = await RefusedAsync(Agent(null, new JsonObject { ["vendor"] = "openai", ["voiceId"] = "alloy" }));

        var message = (string)Assert.Single(errors)!.Value![0]!;
        Assert.Equal("config.ttsConfig.endpoint", Assert.Single(errors).Key);
        Assert.Equal("The openai vendor needs an endpoint (an OpenAI-compatible API root such as https://api.openai.com/v1): this node has no default one.",
            message);
    }

    [Fact]
    public async Task A_malformed_endpoint_or_a_vendor_that_is_not_a_string_is_named()
    {
        var errors = await RefusedAsync(Agent(new JsonObject { ["vendor"] = 7 }, new JsonObject { ["vendor"] = "openai", ["endpoint"] = "localhost:8000" }));

        Assert.Equal("vendor must be a string.", (string)errors["config.sttConfig.vendor"]![0]!);
        Assert.Equal("endpoint must be an http(s) URL such as https://api.openai.com/v1.", (string)errors["config.ttsConfig.endpoint"]![0]!);
    }

    [Fact]
    public async Task The_embedded_vendors_and_openai_with_an_endpoint_are_accepted_and_the_key_is_write_only()
    {
        const string key = "sk-speech-7c1e55";
        var created = await Client.CreateAgentAsync(Agent(
            new JsonObject { ["vendor"] = "openai", ["model"] = "whisper-large-v3", ["endpoint"] = "http://127.0.0.1:9/v1", ["apiKey"] = key },
            new JsonObject { ["vendor"] = "ESPEAK", ["voiceId"] = "en-gb" }));
        var id = (string)created["agentId"]!;
        Assert.DoesNotContain(key, created.ToJsonString());
        Assert.Equal("whisper-large-v3", (string)created["config"]!["sttConfig"]!["model"]!);

        var fetched = await (await Client.GetAsync($"/api/v1/agents/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(key, fetched.ToJsonString());
        Assert.False(fetched["config"]!["sttConfig"]!.AsObject().ContainsKey("apiKey"));
        var store = fixture.Node.Services.GetRequiredService<IAgentStore>();
        Assert.Equal(key, (string)(await store.GetAsync(id))!.Config.SttConfig!["apiKey"]!);

        // A PUT of what GET showed (no key) keeps the stored key; one naming a key replaces it.
        fetched["config"]!["sttConfig"]!["model"] = "whisper-1";
        var replaced = await (await Client.PutAsync($"/api/v1/agents/{id}", fetched.Json())).ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(key, replaced.ToJsonString());
        var stored = (await store.GetAsync(id))!.Config.SttConfig!;
        Assert.Equal(("whisper-1", key), ((string)stored["model"]!, (string)stored["apiKey"]!));

        fetched["config"]!["sttConfig"]!["apiKey"] = "sk-rotated";
        await (await Client.PutAsync($"/api/v1/agents/{id}", fetched.Json())).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("sk-rotated", (string)(await store.GetAsync(id))!.Config.SttConfig!["apiKey"]!);

        var listed = await (await Client.GetAsync("/api/v1/agents?take=100")).ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain("sk-rotated", listed.ToJsonString());

        // Moved to another server without a key: the old key is not sent there, it is dropped.
        var moved = await (await Client.GetAsync($"/api/v1/agents/{id}")).ExpectAsync(HttpStatusCode.OK);
        moved["config"]!["sttConfig"]!["endpoint"] = "http://127.0.0.1:10/v1";
        await (await Client.PutAsync($"/api/v1/agents/{id}", moved.Json())).ExpectAsync(HttpStatusCode.OK);
        var afterMove = (await store.GetAsync(id))!.Config.SttConfig!;
        Assert.Equal("http://127.0.0.1:10/v1", (string)afterMove["endpoint"]!);
        Assert.False(afterMove.ContainsKey("apiKey"), afterMove.ToJsonString());
    }
}
