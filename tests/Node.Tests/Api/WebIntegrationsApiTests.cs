using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Storage.Integrations;

namespace Orchestrator.Node.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class WebIntegrationsApiTests(ApiNodeFixture fixture)
{
    private HttpClient Client => fixture.Client;

    private async Task<(string AgentId, string IntegrationId)> CreateAsync()
    {
        var agentId = (string)(await Client.CreateAgentAsync())["agentId"]!;
        var integration = await Client.CreateIntegrationAsync(agentId);
        return (agentId, (string)integration["id"]!);
    }

    [Fact]
    public async Task Crud_round_trip()
    {
        var agentId = (string)(await Client.CreateAgentAsync())["agentId"]!;
        var response = await Client.PostAsync("/api/v1/web-integrations", new JsonObject
        {
            ["name"] = "Website", ["agentId"] = agentId, ["enabled"] = true,
            ["origins"] = new JsonArray("https://shop.example.com", "*", "http://[::1]:8080"),
            ["features"] = new JsonArray(new JsonObject { ["name"] = "allowwebchat", ["enabled"] = true }),
            ["tools"] = new JsonArray("book_table", "check-hours"),
        }.Json());
        var created = await response.ExpectAsync(HttpStatusCode.Created);
        var id = (string)created["id"]!;
        Assert.Equal($"/api/v1/web-integrations/{id}", response.Headers.Location!.OriginalString);
        Assert.Equal("AllowWebChat", (string?)created["features"]![0]!["name"]);

        var fetched = await (await Client.GetAsync($"/api/v1/web-integrations/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(agentId, (string?)fetched["agentId"]);
        Assert.Equal(3, fetched["origins"]!.AsArray().Count);
        Assert.Empty(fetched["tokens"]!.AsArray());

        var list = await (await Client.GetAsync("/api/v1/web-integrations?take=1000")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(list["items"]!.AsArray(), i => (string?)i!["id"] == id);
        Assert.True((int)list["total"]! >= 1);

        var replacement = new JsonObject { ["name"] = "Renamed", ["agentId"] = agentId, ["enabled"] = false };
        var replaced = await (await Client.PutAsync($"/api/v1/web-integrations/{id}", replacement.Json())).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(id, (string?)replaced["id"]);
        Assert.Equal((string?)created["createdTime"], (string?)replaced["createdTime"]);
        fetched = await (await Client.GetAsync($"/api/v1/web-integrations/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Renamed", (string?)fetched["name"]);
        Assert.False((bool)fetched["enabled"]!);
        Assert.Empty(fetched["tools"]!.AsArray());

        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync($"/api/v1/web-integrations/{id}")).StatusCode);
        await (await Client.GetAsync($"/api/v1/web-integrations/{id}")).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await Client.DeleteAsync($"/api/v1/web-integrations/{id}")).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await Client.PutAsync($"/api/v1/web-integrations/{id}", replacement.Json())).ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task List_rejects_take_over_1000()
    {
        var problem = await (await Client.GetAsync("/api/v1/web-integrations?take=1001")).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.Errors().ContainsKey("take"));
    }

    public static TheoryData<string, string> InvalidIntegrations => new()
    {
        { """{"name": "", "agentId": "$AGENT"}""", "name" },
        { """{"name": "w"}""", "agentId" },
        { """{"name": "w", "agentId": "no-such-agent"}""", "agentId" },
        { """{"name": "w", "agentId": "$AGENT", "features": [{"name": "AllowTeleportation", "enabled": true}]}""", "features[0].name" },
        { """{"name": "w", "agentId": "$AGENT", "tools": ["book_table", "launch_rocket"]}""", "tools[1]" },
        { """{"name": "w", "agentId": "$AGENT", "origins": ["https://ok.example", "https://example.com/path"]}""", "origins[1]" },
        { """{"name": "w", "agentId": "$AGENT", "origins": ["example.com"]}""", "origins[0]" },
        { """{"name": "w", "agentId": "$AGENT", "origins": ["https://example.com:99999"]}""", "origins[0]" },
        { """{"name": "w", "agentId": "$AGENT", "origins": ["https://user@example.com"]}""", "origins[0]" },
    };

    [Theory, MemberData(nameof(InvalidIntegrations))]
    public async Task Validation_errors_name_the_field(string body, string field)
    {
        var (agentId, integrationId) = await CreateAsync();
        body = body.Replace("$AGENT", agentId);

        var post = await (await Client.PostAsync("/api/v1/web-integrations", ApiTestExtensions.RawJson(body))).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(post.Errors().ContainsKey(field), post.ToJsonString());
        var put = await (await Client.PutAsync($"/api/v1/web-integrations/{integrationId}", ApiTestExtensions.RawJson(body))).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(put.Errors().ContainsKey(field));
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem()
    {
        var problem = await (await Client.PostAsync("/api/v1/web-integrations", ApiTestExtensions.RawJson("{\"name\": \"w\", \"origins\": \"https://a\"}")))
            .ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.Errors().ContainsKey("origins"));
    }

    [Fact]
    public async Task Token_is_shown_once_listed_without_secret_and_authenticates()
    {
        var (_, id) = await CreateAsync();
        var expiresAt = DateTimeOffset.UtcNow.AddDays(1);

        var response = await Client.PostAsync($"/api/v1/web-integrations/{id}/tokens",
            new JsonObject { ["name"] = "website", ["expiresAt"] = expiresAt.ToString("O") }.Json());
        var issued = await response.ExpectAsync(HttpStatusCode.Created);

        var token = (string)issued["token"]!;
        Assert.StartsWith("wit_", token);
        Assert.Equal("website", (string?)issued["name"]);
        Assert.NotNull(issued["tokenId"]);
        Assert.NotNull(issued["createdAt"]);
        Assert.Equal(expiresAt.ToUnixTimeMilliseconds(), DateTimeOffset.Parse((string)issued["expiresAt"]!).ToUnixTimeMilliseconds());

        var fetchedResponse = await Client.GetAsync($"/api/v1/web-integrations/{id}");
        var fetchedText = await fetchedResponse.Content.ReadAsStringAsync();
        Assert.DoesNotContain(token, fetchedText);
        var listed = Assert.Single(JsonNode.Parse(fetchedText)!["tokens"]!.AsArray())!.AsObject();
        Assert.Equal((string?)issued["tokenId"], (string?)listed["tokenId"]);
        Assert.Equal("website", (string?)listed["name"]);
        Assert.True(listed.ContainsKey("lastUsedAt"));
        Assert.False(listed.ContainsKey("token"));

        var store = fixture.Node.Services.GetRequiredService<IWebIntegrationStore>();
        Assert.Equal(id, (await store.AuthenticateTokenAsync(token))?.Integration.Id);
    }

    [Fact]
    public async Task Duplicate_token_name_is_409()
    {
        var (_, id) = await CreateAsync();
        await (await Client.PostAsync($"/api/v1/web-integrations/{id}/tokens", new JsonObject { ["name"] = "website" }.Json())).ExpectAsync(HttpStatusCode.Created);

        var problem = await (await Client.PostAsync($"/api/v1/web-integrations/{id}/tokens", new JsonObject { ["name"] = "website" }.Json()))
            .ExpectProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("website", (string?)problem["detail"]);
    }

    [Fact]
    public async Task Revoking_a_token_stops_it_and_unlists_it()
    {
        var (_, id) = await CreateAsync();
        var issued = await (await Client.PostAsync($"/api/v1/web-integrations/{id}/tokens", new JsonObject { ["name"] = "website" }.Json()))
            .ExpectAsync(HttpStatusCode.Created);
        var tokenId = (string)issued["tokenId"]!;

        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync($"/api/v1/web-integrations/{id}/tokens/{tokenId}")).StatusCode);

        var store = fixture.Node.Services.GetRequiredService<IWebIntegrationStore>();
        Assert.Null(await store.AuthenticateTokenAsync((string)issued["token"]!));
        var fetched = await (await Client.GetAsync($"/api/v1/web-integrations/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(fetched["tokens"]!.AsArray());
        await (await Client.DeleteAsync($"/api/v1/web-integrations/{id}/tokens/{tokenId}")).ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Token_errors()
    {
        var (_, id) = await CreateAsync();

        await (await Client.PostAsync("/api/v1/web-integrations/no-such/tokens", new JsonObject { ["name"] = "w" }.Json()))
            .ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await Client.DeleteAsync($"/api/v1/web-integrations/{id}/tokens/no-such")).ExpectProblemAsync(HttpStatusCode.NotFound);

        var noName = await (await Client.PostAsync($"/api/v1/web-integrations/{id}/tokens", new JsonObject().Json())).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(noName.Errors().ContainsKey("name"));

        var past = await (await Client.PostAsync($"/api/v1/web-integrations/{id}/tokens",
            new JsonObject { ["name"] = "w", ["expiresAt"] = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O") }.Json())).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(past.Errors().ContainsKey("expiresAt"));

        var badDate = await (await Client.PostAsync($"/api/v1/web-integrations/{id}/tokens",
            ApiTestExtensions.RawJson("""{"name": "w", "expiresAt": "tomorrow"}"""))).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(badDate.Errors().ContainsKey("expiresAt"));
    }
}
