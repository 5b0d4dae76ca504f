using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Messages;
using Orchestrator.Node.Tests.Infrastructure;

namespace Orchestrator.Node.Tests.Api;

/// <summary>One real node (SQLite) shared by the REST test classes: starting a node per test would be slow.</summary>
public sealed class ApiNodeFixture : IAsyncLifetime
{
    private TestDatabase? _database;
    public TestNode Node { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _database = TestDatabase.Sqlite();
        Node = await TestNode.StartAsync(_database);
        Client = Node.CreateClient();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Node.DisposeAsync();
        _database?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiNodeFixture>
{
    public const string Name = "REST API node";
}

internal static class ApiTestExtensions
{
    public static JsonObject ValidAgent(string name = "Booking assistant") => new()
    {
        ["name"] = name,
        ["isEnabled"] = true,
        ["additionalData"] = new JsonObject { ["team"] = "sales" },
        ["config"] = new JsonObject
        {
            ["llmConfig"] = new JsonObject { ["vendor"] = "scripted" },
            ["script"] = new JsonObject
            {
                ["intents"] = new JsonArray(new JsonObject
                {
                    ["name"] = "hours", ["match"] = new JsonObject { ["keywords"] = new JsonArray("hours") },
                    ["reply"] = "We open at nine.",
                }),
                ["fallback"] = "Sorry?",
            },
            ["tools"] = new JsonArray(
                new JsonObject { ["name"] = "book_table", ["timeoutSeconds"] = 5, ["retryCount"] = 1, ["fallBackResult"] = "unavailable" },
                new JsonObject { ["name"] = "check-hours", ["timeoutSeconds"] = 600 }),
            ["features"] = new JsonObject { ["maxDuration"] = new JsonObject { ["isEnabled"] = true, ["maxDurationSeconds"] = 300 } },
        },
    };

    public static StringContent Json(this JsonNode node) => new(node.ToJsonString(), System.Text.Encoding.UTF8, "application/json");

    public static StringContent RawJson(string text) => new(text, System.Text.Encoding.UTF8, "application/json");

    public static async Task<JsonObject> ReadObjectAsync(this HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonObject>(JsonDefaults.Options))!;

    public static async Task<JsonObject> ExpectAsync(this HttpResponseMessage response, System.Net.HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status} but got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>Asserts an RFC 7807 answer and returns its body.</summary>
    public static async Task<JsonObject> ExpectProblemAsync(this HttpResponseMessage response, System.Net.HttpStatusCode status)
    {
        var body = await response.ExpectAsync(status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)status, (int)body["status"]!);
        Assert.False(string.IsNullOrEmpty((string?)body["title"]));
        Assert.NotNull(body["type"]);
        var text = body.ToJsonString();
        Assert.DoesNotContain("   at ", text);
        Assert.DoesNotContain("Exception", text);
        return body;
    }

    public static JsonObject Errors(this JsonObject problem) => problem["errors"]!.AsObject();

    public static async Task<JsonObject> CreateAgentAsync(this HttpClient client, JsonObject? agent = null)
    {
        var response = await client.PostAsync("/api/v1/agents", (agent ?? ValidAgent()).Json());
        return await response.ExpectAsync(System.Net.HttpStatusCode.Created);
    }

    public static async Task<JsonObject> CreateIntegrationAsync(this HttpClient client, string agentId, string name = "Website")
    {
        var response = await client.PostAsync("/api/v1/web-integrations", new JsonObject
        {
            ["name"] = name,
            ["agentId"] = agentId,
            ["enabled"] = true,
            ["origins"] = new JsonArray("https://shop.example.com", "http://localhost:3000"),
            ["features"] = new JsonArray(new JsonObject { ["name"] = "AllowWebChat", ["enabled"] = true }),
            ["tools"] = new JsonArray("book_table"),
        }.Json());
        return await response.ExpectAsync(System.Net.HttpStatusCode.Created);
    }

    public static JsonSerializerOptions Options => JsonDefaults.Options;
}
