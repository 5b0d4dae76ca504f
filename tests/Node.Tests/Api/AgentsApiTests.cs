using System.Net;
using System.Text.Json.Nodes;
using Orchestrator.Messages.Agents;
using Orchestrator.Node.Api.Agents;

namespace Orchestrator.Node.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class AgentsApiTests(ApiNodeFixture fixture)
{
    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task Create_returns_201_with_location_and_server_set_fields()
    {
        var sent = ApiTestExtensions.ValidAgent();
        sent["agentId"] = "client-chosen";
        sent["createdTime"] = "2000-01-01T00:00:00Z";

        var response = await Client.PostAsync("/api/v1/agents", sent.Json());
        var created = await response.ExpectAsync(HttpStatusCode.Created);

        var id = (string)created["agentId"]!;
        Assert.NotEqual("client-chosen", id);
        Assert.Equal($"/api/v1/agents/{id}", response.Headers.Location!.OriginalString);
        Assert.NotEqual("2000-01-01T00:00:00+00:00", (string?)created["createdTime"]);
        Assert.Equal((string?)created["createdTime"], (string?)created["lastUpdateTime"]);
        Assert.Equal("book_table", (string?)created["config"]!["tools"]![0]!["name"]);

        var fetched = await (await Client.GetAsync($"/api/v1/agents/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Booking assistant", (string?)fetched["name"]);
        Assert.Equal("sales", (string?)fetched["additionalData"]!["team"]);
        Assert.Equal(300, (int)fetched["config"]!["features"]!["maxDuration"]!["maxDurationSeconds"]!);
        Assert.Equal("unavailable", (string?)fetched["config"]!["tools"]![0]!["fallBackResult"]);
    }

    [Fact]
    public async Task Input_property_names_are_case_insensitive()
    {
        var response = await Client.PostAsync("/api/v1/agents",
            ApiTestExtensions.RawJson("""{"NAME": "Shouty", "Config": {"LLMCONFIG": {"Vendor": "OpenAI", "MODEL": "m"}}}"""));
        var created = await response.ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("Shouty", (string?)created["name"]);
        Assert.Equal("openai", (string?)created["config"]!["llmConfig"]!["vendor"]);
    }

    [Fact]
    public async Task List_pages_with_skip_and_take()
    {
        for (var i = 0; i < 3; i++) await Client.CreateAgentAsync(ApiTestExtensions.ValidAgent($"list {i}"));

        var all = await (await Client.GetAsync("/api/v1/agents?take=1000")).ExpectAsync(HttpStatusCode.OK);
        var total = (int)all["total"]!;
        Assert.True(total >= 3);
        Assert.Equal(total, all["items"]!.AsArray().Count);

        var page = await (await Client.GetAsync("/api/v1/agents?skip=1&take=2")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(total, (int)page["total"]!);
        Assert.Equal(2, page["items"]!.AsArray().Count);
        Assert.Equal((string?)all["items"]![1]!["agentId"], (string?)page["items"]![0]!["agentId"]);
    }

    [Theory]
    [InlineData("take=1001", "take")]
    [InlineData("take=0", "take")]
    [InlineData("take=abc", "take")]
    [InlineData("skip=-1", "skip")]
    public async Task List_rejects_bad_paging(string query, string field)
    {
        var problem = await (await Client.GetAsync($"/api/v1/agents?{query}")).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.Errors().ContainsKey(field));
    }

    [Fact]
    public async Task Put_replaces_the_whole_agent_and_keeps_id_and_creation_time()
    {
        var created = await Client.CreateAgentAsync();
        var id = (string)created["agentId"]!;
        var replacement = new JsonObject
        {
            ["name"] = "Renamed", ["isEnabled"] = false, ["agentId"] = "other",
            ["config"] = new JsonObject { ["script"] = new JsonObject { ["fallback"] = "Sorry?" } },
        };

        var replaced = await (await Client.PutAsync($"/api/v1/agents/{id}", replacement.Json())).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(id, (string?)replaced["agentId"]);
        Assert.Equal((string?)created["createdTime"], (string?)replaced["createdTime"]);
        var fetched = await (await Client.GetAsync($"/api/v1/agents/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Renamed", (string?)fetched["name"]);
        Assert.False((bool)fetched["isEnabled"]!);
        Assert.Empty(fetched["config"]!["tools"]!.AsArray());
        Assert.True(DateTimeOffset.Parse((string)fetched["lastUpdateTime"]!) >= DateTimeOffset.Parse((string)created["lastUpdateTime"]!));
    }

    [Fact]
    public async Task Delete_removes_the_agent()
    {
        var id = (string)(await Client.CreateAgentAsync())["agentId"]!;

        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync($"/api/v1/agents/{id}")).StatusCode);
        await (await Client.GetAsync($"/api/v1/agents/{id}")).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await Client.DeleteAsync($"/api/v1/agents/{id}")).ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Unknown_ids_are_404_problems()
    {
        var problem = await (await Client.GetAsync("/api/v1/agents/unknown-agent")).ExpectProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains("unknown-agent", (string?)problem["detail"]);
        await (await Client.PutAsync("/api/v1/agents/unknown-agent", ApiTestExtensions.ValidAgent().Json())).ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    public static TheoryData<string, string> InvalidAgents => new()
    {
        { """{"name": ""}""", "name" },
        { """{"isEnabled": true}""", "name" },
        { $$"""{"name": "{{new string('x', 201)}}"}""", "name" },
        { """{"name": "a", "config": {"llmConfig": {"vendor": "acme"}}}""", "config.llmConfig.vendor" },
        { """{"name": "a", "config": {"llmConfig": {"vendor": "openai"}}}""", "config.llmConfig.model" },
        { """{"name": "a", "config": {"features": {"postCallAnalysis": [{"name": "f", "labels": [{"name": "x", "type": "date"}]}]}}}""", "config.features.postCallAnalysis[0].labels[0].type" },
        { """{"name": "a", "config": {"features": {"postCallAnalysis": [{"name": "f", "labels": [{"name": "x", "type": "enum"}]}]}}}""", "config.features.postCallAnalysis[0].labels[0].choices" },
        { """{"name": "a", "config": {"llmConfig": {"vendor": "openai", "model": "m", "endpoint": "localhost:11434"}}}""", "config.llmConfig.endpoint" },
        { """{"name": "a", "config": {"tools": [{"name": ""}]}}""", "config.tools[0].name" },
        { """{"name": "a", "config": {"tools": [{"name": "has space"}]}}""", "config.tools[0].name" },
        { $$$"""{"name": "a", "config": {"tools": [{"name": "{{{new string('t', 65)}}}"}]}}""", "config.tools[0].name" },
        { """{"name": "a", "config": {"tools": [{"name": "x"}, {"name": "x"}]}}""", "config.tools[1].name" },
        { """{"name": "a", "config": {"tools": [{"name": "x", "timeoutSeconds": 0}]}}""", "config.tools[0].timeoutSeconds" },
        { """{"name": "a", "config": {"tools": [{"name": "x", "timeoutSeconds": 600.5}]}}""", "config.tools[0].timeoutSeconds" },
        { """{"name": "a", "config": {"tools": [{"name": "x", "retryCount": 11}]}}""", "config.tools[0].retryCount" },
        { """{"name": "a", "config": {"tools": [{"name": "x", "retryCount": -1}]}}""", "config.tools[0].retryCount" },
        { """{"name": "a", "config": {"features": {"maxDuration": {"maxDurationSeconds": 0}}}}""", "config.features.maxDuration.maxDurationSeconds" },
    };

    [Theory, MemberData(nameof(InvalidAgents))]
    public async Task Validation_errors_name_the_field(string body, string field)
    {
        var post = await (await Client.PostAsync("/api/v1/agents", ApiTestExtensions.RawJson(body))).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(post.Errors().ContainsKey(field), $"errors were {post.Errors().ToJsonString()}");

        var id = (string)(await Client.CreateAgentAsync())["agentId"]!;
        var put = await (await Client.PutAsync($"/api/v1/agents/{id}", ApiTestExtensions.RawJson(body))).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(put.Errors().ContainsKey(field));
    }

    [Fact]
    public async Task Several_errors_are_reported_together()
    {
        var problem = await (await Client.PostAsync("/api/v1/agents", ApiTestExtensions.RawJson(
            """{"name": "", "config": {"tools": [{"name": "ok"}, {"name": "bad name", "retryCount": 99}]}}"""))).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["config.script", "config.tools[1].name", "config.tools[1].retryCount", "name"], problem.Errors().Select(e => e.Key).Order());
    }

    [Theory]
    [InlineData("{\"name\": ")]
    [InlineData("not json")]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[1, 2]")]
    public async Task Malformed_json_is_a_400_problem(string body)
    {
        var problem = await (await Client.PostAsync("/api/v1/agents", ApiTestExtensions.RawJson(body))).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("JSON", (string?)problem["detail"]);
    }

    [Fact]
    public async Task A_wrongly_typed_field_is_named_in_errors()
    {
        var problem = await (await Client.PostAsync("/api/v1/agents", ApiTestExtensions.RawJson(
            """{"name": "a", "config": {"tools": [{"name": "x", "timeoutSeconds": "soon"}]}}"""))).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.Errors().ContainsKey("config.tools[0].timeoutSeconds"), problem.ToJsonString());
    }

    [Fact]
    public async Task A_script_the_engine_cannot_run_is_a_400_with_its_field_errors()
    {
        var agent = ApiTestExtensions.ValidAgent();
        agent["config"]!["script"]!["intents"]![0]!["tool"] = new JsonObject { ["name"] = "no_such_tool" };
        var problem = await (await Client.PostAsync("/api/v1/agents", agent.Json())).ExpectProblemAsync(HttpStatusCode.BadRequest);
        var errors = problem.Errors();
        Assert.True(errors.Select(e => e.Key).Any(k => k.StartsWith("config.script.intents[0].tool", StringComparison.Ordinal)), problem.ToJsonString());
    }

    [Fact]
    public async Task A_scripted_agent_needs_a_script()
    {
        var agent = ApiTestExtensions.ValidAgent();
        agent["config"]!.AsObject().Remove("script");
        var problem = await (await Client.PostAsync("/api/v1/agents", agent.Json())).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.Errors().Select(e => e.Key).Any(k => k.StartsWith("config.script", StringComparison.Ordinal)), problem.ToJsonString());
    }
}
