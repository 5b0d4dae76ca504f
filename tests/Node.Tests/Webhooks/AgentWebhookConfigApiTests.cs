using System.Net;
using System.Text.Json.Nodes;
using Orchestrator.Node.Tests.Api;

namespace Orchestrator.Node.Tests.Webhooks;

/// <summary>config.resultWebhook and config.startWebhook through /agents: validation and write-only secrets.</summary>
[Collection(ApiCollection.Name)]
public sealed class AgentWebhookConfigApiTests(ApiNodeFixture fixture)
{
    private HttpClient Client => fixture.Client;

    private static JsonObject AgentWithWebhooks(string? resultSecret = "s3cret-result", string? startSecret = "s3cret-start")
    {
        var agent = ApiTestExtensions.ValidAgent("Webhook agent");
        var config = agent["config"]!.AsObject();
        config["resultWebhook"] = new JsonObject { ["url"] = "https://hooks.example.com/result", ["headers"] = new JsonObject { ["X-Team"] = "sales" } };
        config["startWebhook"] = new JsonObject { ["url"] = "https://hooks.example.com/start", ["failClosed"] = true };
        if (resultSecret is not null) config["resultWebhook"]!["secret"] = resultSecret;
        if (startSecret is not null) config["startWebhook"]!["secret"] = startSecret;
        config["tools"]![0]!["webhook"] = new JsonObject { ["url"] = "https://hooks.example.com/tool", ["secret"] = "s3cret-tool" };
        return agent;
    }

    [Fact]
    public async Task Secrets_are_never_returned_and_kept_when_a_put_omits_them()
    {
        var created = await Client.CreateAgentAsync(AgentWithWebhooks());
        var id = (string)created["agentId"]!;
        Assert.DoesNotContain("s3cret", created.ToJsonString());
        Assert.Equal("https://hooks.example.com/result", (string?)created["config"]!["resultWebhook"]!["url"]);
        Assert.Equal("sales", (string?)created["config"]!["resultWebhook"]!["headers"]!["X-Team"]);
        Assert.True((bool)created["config"]!["startWebhook"]!["failClosed"]!);

        var fetched = await (await Client.GetAsync($"/api/v1/agents/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain("s3cret", fetched.ToJsonString());
        var listed = await (await Client.GetAsync("/api/v1/agents?take=1000")).ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain("s3cret", listed.ToJsonString());

        // A PUT of what GET returned (no secrets) keeps them; one with a new secret replaces it.
        var put = await (await Client.PutAsync($"/api/v1/agents/{id}", AgentWithWebhooks(resultSecret: null, startSecret: "new-start").Json()))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain("s3cret", put.ToJsonString());
        Assert.DoesNotContain("new-start", put.ToJsonString());

        var stored = (await fixture.Node.Services.GetRequiredService<Orchestrator.Storage.Agents.IAgentStore>().GetAsync(id))!;
        Assert.Equal("s3cret-result", stored.Config.ResultWebhook!.Secret);
        Assert.Equal("new-start", stored.Config.StartWebhook!.Secret);
        Assert.True(stored.Config.StartWebhook.FailClosed);
        Assert.Equal("s3cret-tool", stored.Config.Tools[0].Webhook!.Secret);
    }

    [Fact]
    public async Task Bad_webhook_urls_and_headers_are_field_errors()
    {
        var agent = AgentWithWebhooks();
        agent["config"]!["resultWebhook"]!["url"] = "ftp://hooks.example.com/x";
        agent["config"]!["startWebhook"]!["url"] = "/relative";
        agent["config"]!["startWebhook"]!["headers"] = new JsonObject { ["Bad Name"] = "v" };

        var problem = await (await Client.PostAsync("/api/v1/agents", agent.Json())).ExpectProblemAsync(HttpStatusCode.BadRequest);
        var errors = problem.Errors();
        Assert.Equal("url must be an absolute http or https URL.", (string?)errors["config.resultWebhook.url"]![0]);
        Assert.Equal("url must be an absolute http or https URL.", (string?)errors["config.startWebhook.url"]![0]);
        Assert.Equal("'Bad Name' is not a valid header name.", (string?)errors["config.startWebhook.headers"]![0]);
    }
}
