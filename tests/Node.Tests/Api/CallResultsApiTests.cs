using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Messages.Results;
using Orchestrator.Storage.Results;

namespace Orchestrator.Node.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class CallResultsApiTests(ApiNodeFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2025, 2, 1, 8, 0, 0, TimeSpan.Zero);
    private HttpClient Client => fixture.Client;

    /// <summary>Saves results under an agent id of this test's own, so tests sharing the node do not see each other's.</summary>
    private async Task<string> SeedAsync(params ConversationResult[] results)
    {
        var agent = "agent-" + Guid.NewGuid().ToString("N");
        var store = fixture.Node.Services.GetRequiredService<IResultStore>();
        foreach (var r in results)
            await store.SaveAsync(r with { AgentId = r.AgentId == "" ? agent : agent + r.AgentId, ConversationId = agent + "-" + r.ConversationId });
        return agent;
    }

    private static ConversationResult R(string id, int minute, string status = ResultStatuses.Completed, string callType = CallTypes.Chat,
        double duration = 10, string text = "hello", JsonObject? data = null, string agentSuffix = "") => new()
    {
        ConversationId = id, AgentId = agentSuffix, CallType = callType, Status = status, FinishReason = FinishReasons.UserTerminated,
        StartedAt = T0.AddMinutes(minute), EndedAt = T0.AddMinutes(minute).AddSeconds(duration), DurationSeconds = duration,
        AdditionalData = data ?? new JsonObject(),
        Transcription = [new TranscriptEntry("user", text, T0, T0)],
    };

    private async Task<(List<string> Ids, JsonObject Body)> SearchAsync(string agent, JsonObject filters)
    {
        if (!filters.ContainsKey("agentIds")) filters["agentIds"] = new JsonArray(agent);
        var body = await (await Client.PostAsync("/api/v1/callresults/search", filters.Json())).ExpectAsync(HttpStatusCode.OK);
        var ids = body["results"]!.AsArray().Select(r => ((string)r!["conversationId"]!)[(agent.Length + 1)..]).ToList();
        return (ids, body);
    }

    [Fact]
    public async Task Get_returns_the_stored_result_and_404_for_unknown()
    {
        var agent = await SeedAsync(R("c1", 0, text: "I need a table"));

        var result = await (await Client.GetAsync($"/api/v1/callresults/{agent}-c1")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(agent, (string?)result["agentId"]);
        Assert.Equal("Completed", (string?)result["status"]);
        Assert.Equal("I need a table", (string?)result["transcription"]![0]!["text"]);
        Assert.Equal(10.0, (double)result["durationSeconds"]!);

        await (await Client.GetAsync("/api/v1/callresults/no-such-conversation")).ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Search_pages_newest_first_by_default_and_pages_are_0_based()
    {
        var agent = await SeedAsync(R("c0", 0), R("c1", 1), R("c2", 2), R("c3", 3), R("c4", 4));

        var (ids, body) = await SearchAsync(agent, new JsonObject { ["page"] = 1, ["size"] = 2 });
        Assert.Equal(["c4", "c3"], (await SearchAsync(agent, new JsonObject { ["page"] = 0, ["size"] = 2 })).Ids);

        Assert.Equal(["c2", "c1"], ids);
        Assert.Equal(5, (int)body["totalCount"]!);
        Assert.Equal(1, (int)body["page"]!);
        Assert.Equal(2, (int)body["size"]!);
        Assert.Equal(3, (int)body["totalPages"]!);
    }

    [Fact]
    public async Task Search_filters_by_agent_status_type_and_dates()
    {
        var agent = await SeedAsync(
            R("c1", 1, ResultStatuses.Completed, CallTypes.Chat),
            R("c2", 2, ResultStatuses.Failed, CallTypes.WebCall),
            R("c3", 3, ResultStatuses.Canceled, CallTypes.OnPhone, agentSuffix: "-other"));

        Assert.Equal(["c2", "c1"], (await SearchAsync(agent, new JsonObject())).Ids);
        Assert.Equal(["c3"], (await SearchAsync(agent, new JsonObject { ["agentIds"] = new JsonArray(agent + "-other") })).Ids);
        var both = new JsonArray(agent, agent + "-other");
        Assert.Equal(["c2"], (await SearchAsync(agent, new JsonObject { ["agentIds"] = both.DeepClone(), ["callStatuses"] = new JsonArray("failed") })).Ids);
        Assert.Equal(["c3"], (await SearchAsync(agent, new JsonObject { ["agentIds"] = both.DeepClone(), ["callTypes"] = new JsonArray("onPhone") })).Ids);
        Assert.Equal(["c3", "c2"], (await SearchAsync(agent, new JsonObject
        {
            ["agentIds"] = both.DeepClone(), ["fromDate"] = T0.AddMinutes(2).ToString("O"), ["toDate"] = T0.AddMinutes(3).ToString("O"),
        })).Ids);
    }

    [Fact]
    public async Task Search_filters_by_text_campaign_and_additional_data()
    {
        var agent = await SeedAsync(
            R("c1", 1, text: "Book a TABLE please", data: new JsonObject { ["campaignId"] = "spring", ["customer"] = "42" }),
            R("c2", 2, text: "What are your hours?", data: new JsonObject { ["campaignId"] = "autumn", ["customer"] = "43" }));

        Assert.Equal(["c1"], (await SearchAsync(agent, new JsonObject { ["searchText"] = "table" })).Ids);
        Assert.Equal(["c2"], (await SearchAsync(agent, new JsonObject { ["campaignId"] = "autumn" })).Ids);
        Assert.Equal(["c1"], (await SearchAsync(agent, new JsonObject { ["additionalDataFilters"] = new JsonObject { ["callAdditionalData.customer"] = "42" } })).Ids);
        Assert.Equal(["c2"], (await SearchAsync(agent, new JsonObject { ["additionalDataFilters"] = new JsonObject { ["customer"] = "43" } })).Ids);
    }

    [Theory]
    [InlineData("startedAt", "asc", "c1,c2,c3")]
    [InlineData("endedAt", "desc", "c1,c3,c2")]
    [InlineData("durationSeconds", "asc", "c2,c3,c1")]
    [InlineData("status", "asc", "c2,c3,c1")]
    public async Task Search_sorts(string field, string direction, string expected)
    {
        var agent = await SeedAsync(
            R("c1", 0, ResultStatuses.Failed, duration: 3000),
            R("c2", 1, ResultStatuses.Canceled, duration: 5),
            R("c3", 2, ResultStatuses.Completed, duration: 60));

        var (ids, _) = await SearchAsync(agent, new JsonObject { ["sortField"] = field, ["sortDirection"] = direction });
        Assert.Equal(expected.Split(','), ids);
    }

    [Fact]
    public async Task Search_accepts_an_empty_body()
    {
        var response = await Client.PostAsync("/api/v1/callresults/search", content: null);
        var body = await response.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, (int)body["page"]!);
        Assert.Equal(20, (int)body["size"]!);
    }

    [Theory]
    [InlineData("""{"page": -1}""", "page")]
    [InlineData("""{"size": 0}""", "size")]
    [InlineData("""{"size": 101}""", "size")]
    [InlineData("""{"sortField": "name"}""", "sortField")]
    [InlineData("""{"sortDirection": "up"}""", "sortDirection")]
    [InlineData("""{"callStatuses": ["Done"]}""", "callStatuses[0]")]
    [InlineData("""{"callTypes": ["chat", "fax"]}""", "callTypes[1]")]
    [InlineData("""{"fromDate": "2025-02-02T00:00:00Z", "toDate": "2025-02-01T00:00:00Z"}""", "toDate")]
    [InlineData("""{"page": "first"}""", "page")]
    public async Task Search_validation_errors_name_the_field(string body, string field)
    {
        var problem = await (await Client.PostAsync("/api/v1/callresults/search", ApiTestExtensions.RawJson(body))).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.Errors().ContainsKey(field), problem.ToJsonString());
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_415_problem()
    {
        await (await Client.PostAsync("/api/v1/callresults/search", new StringContent("page=1"))).ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Search_malformed_json_is_a_400_problem()
    {
        var problem = await (await Client.PostAsync("/api/v1/callresults/search", ApiTestExtensions.RawJson("{page: 1"))).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("JSON", (string?)problem["detail"]);
    }
}
