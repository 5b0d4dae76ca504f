using System.Net;
using System.Text.Json.Nodes;

namespace Orchestrator.Node.Tests.Api;

/// <summary>
/// The queue side of /calls: validation, idempotency, bulk, lists, delete, the results row of a
/// queued call. Calls here are held by notBefore (or a closed schedule) so none is dialled.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class CallQueueApiTests(ApiNodeFixture fixture)
{
    private HttpClient Client => fixture.Client;
    private static readonly string Later = DateTimeOffset.UtcNow.AddHours(1).ToString("O");

    private async Task<string> PhoneAgentAsync(bool enabled = true, JsonObject? schedule = null, JsonObject? retry = null)
    {
        var trunk = await (await Client.PostAsync("/api/v1/sip-trunks",
            new JsonObject { ["name"] = "t-" + Guid.NewGuid().ToString("N")[..8], ["server"] = "127.0.0.1:9" }.Json())).ExpectAsync(HttpStatusCode.Created);
        var agent = ApiTestExtensions.ValidAgent("caller-" + Guid.NewGuid().ToString("N")[..6]);
        agent["isEnabled"] = enabled;
        agent["config"]!["outboundSipConfig"] = new JsonObject { ["trunkId"] = trunk["id"]!.DeepClone() };
        if (retry is not null) agent["config"]!["retry"] = retry;
        if (schedule is not null) agent["schedule"] = schedule;
        return (string)(await Client.CreateAgentAsync(agent))["agentId"]!;
    }

    private Task<HttpResponseMessage> PostAsync(string agentId, JsonNode body, string path = "/api/v1/calls") =>
        Client.PostAsync($"{path}?agentId={agentId}", body.Json());

    [Fact]
    public async Task A_call_is_queued_with_its_fields_and_defaults()
    {
        var agent = await PhoneAgentAsync(retry: new JsonObject { ["maxAttempts"] = 3, ["on"] = new JsonArray("busy") });
        var deadline = DateTimeOffset.UtcNow.AddHours(3);
        var call = await (await PostAsync(agent, new JsonObject
        {
            ["endpoint"] = "+15550100", ["priority"] = 7, ["callDeadline"] = deadline.ToString("O"), ["timezone"] = "Europe/Berlin",
            ["notBefore"] = Later, ["additionalData"] = new JsonObject { ["firstName"] = "Ada" },
        })).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal(("Queued", 7, "Europe/Berlin", 3, 0), ((string)call["status"]!, (int)call["priority"]!, (string)call["timezone"]!,
            (int)call["maxAttempts"]!, (int)call["attempts"]!));
        Assert.Equal(DateTimeOffset.Parse(Later).ToUnixTimeMilliseconds(), call["nextScheduleTime"]!.GetValue<DateTimeOffset>().ToUnixTimeMilliseconds());
        Assert.Equal(deadline.ToUnixTimeMilliseconds(), call["callDeadline"]!.GetValue<DateTimeOffset>().ToUnixTimeMilliseconds());
        Assert.Null(call["conversationId"]);
        Assert.Equal("Ada", (string?)call["additionalData"]!["firstName"]);

        var read = await (await Client.GetAsync($"/api/v1/calls/{call["callId"]}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal((string)call["callId"]!, (string)read["callId"]!);
        Assert.Empty(read["attemptHistory"]!.AsArray());
    }

    [Fact]
    public async Task The_same_idempotency_key_returns_the_first_call_with_200()
    {
        var agent = await PhoneAgentAsync();
        var body = new JsonObject { ["endpoint"] = "+1", ["notBefore"] = Later, ["idempotencyKey"] = "order-42" };
        var first = await (await PostAsync(agent, body)).ExpectAsync(HttpStatusCode.Created);
        body["endpoint"] = "+2";
        var again = await (await PostAsync(agent, body)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(((string)first["callId"]!, "+1"), ((string)again["callId"]!, (string)again["endpoint"]!));
    }

    [Theory]
    [InlineData("""{"notBefore": "2099-01-01T00:00:00Z"}""", "endpoint")]
    [InlineData("""{"endpoint": "+1", "callDeadline": "2001-01-01T00:00:00Z"}""", "callDeadline")]
    [InlineData("""{"endpoint": "+1", "timezone": "Mars/Olympus"}""", "timezone")]
    [InlineData("""{"endpoint": "+1", "timezone": "Eastern Standard Time"}""", "timezone")]
    [InlineData("""{"endpoint": "+1", "notBefore": "2099-01-01T00:00:00Z", "callDeadline": "2098-01-01T00:00:00Z"}""", "notBefore")]
    [InlineData("""{"endpoint": "+1", "priority": "high"}""", "priority")]
    [InlineData("""{"endpoint": "+1", "callDeadline": "tomorrow"}""", "callDeadline")]
    public async Task Bad_calls_answer_400_naming_the_field(string body, string field)
    {
        var agent = await PhoneAgentAsync();
        var problem = await (await Client.PostAsync($"/api/v1/calls?agentId={agent}", ApiTestExtensions.RawJson(body)))
            .ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.Errors().ContainsKey(field), problem.ToJsonString());
    }

    [Fact]
    public async Task Unknown_agents_400_and_a_disabled_agent_409()
    {
        var unknown = await (await PostAsync("nobody", new JsonObject { ["endpoint"] = "+1" })).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("nobody", unknown.Errors()["agentId"]![0]!.GetValue<string>());
        var missing = await (await Client.PostAsync("/api/v1/calls", new JsonObject { ["endpoint"] = "+1" }.Json())).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(missing.Errors().ContainsKey("agentId"));

        var disabled = await PhoneAgentAsync(enabled: false);
        var conflict = await (await PostAsync(disabled, new JsonObject { ["endpoint"] = "+1" })).ExpectProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("disabled", (string)conflict["detail"]!);
        var bulk = await (await PostAsync(disabled, new JsonArray(new JsonObject { ["endpoint"] = "+1" }), "/api/v1/calls/bulk"))
            .ExpectProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("disabled", (string)bulk["detail"]!);
    }

    [Fact]
    public async Task A_schedule_with_no_hours_before_the_deadline_cancels_at_once()
    {
        var agent = await PhoneAgentAsync(schedule: new JsonObject { ["timezone"] = "UTC", ["mon"] = new JsonArray() });
        var call = await (await PostAsync(agent, new JsonObject { ["endpoint"] = "+1" })).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(("Canceled", "deadline"), ((string)call["status"]!, (string)call["cancelReason"]!));
        Assert.Null(call["nextScheduleTime"]);
    }

    [Fact]
    public async Task Bulk_is_all_or_nothing_names_the_bad_index_and_accepts_callDeadLine()
    {
        var agent = await PhoneAgentAsync();
        var bad = await (await PostAsync(agent, new JsonArray(
            new JsonObject { ["endpoint"] = "+1", ["notBefore"] = Later },
            new JsonObject { ["notBefore"] = Later },
            new JsonObject { ["endpoint"] = "+3", ["timezone"] = "Nowhere" }), "/api/v1/calls/bulk")).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(bad.Errors().ContainsKey("[1].endpoint"), bad.ToJsonString());
        Assert.True(bad.Errors().ContainsKey("[2].timezone"), bad.ToJsonString());
        Assert.Equal(0, (int)(await (await Client.GetAsync($"/api/v1/calls?agentId={agent}")).ExpectAsync(HttpStatusCode.OK))["total"]!);

        var deadline = DateTimeOffset.UtcNow.AddHours(5);
        var created = (await (await PostAsync(agent, new JsonArray(
            new JsonObject { ["endpoint"] = "+1", ["notBefore"] = Later, ["callDeadLine"] = deadline.ToString("O") },
            new JsonObject { ["endpoint"] = "+2", ["notBefore"] = Later }), "/api/v1/calls/bulk")).Content.ReadAsStringAsync());
        var calls = JsonNode.Parse(created)!.AsArray();
        Assert.Equal(["+1", "+2"], calls.Select(c => (string)c!["endpoint"]!));
        Assert.Equal(deadline.ToUnixTimeMilliseconds(), calls[0]!["callDeadline"]!.GetValue<DateTimeOffset>().ToUnixTimeMilliseconds());

        var tooMany = new JsonArray(Enumerable.Range(0, 10_001).Select(_ => (JsonNode?)new JsonObject { ["endpoint"] = "+1" }).ToArray());
        var limit = await (await PostAsync(agent, tooMany, "/api/v1/calls/bulk")).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("10000", limit.ToJsonString());
        var empty = await (await PostAsync(agent, new JsonArray(), "/api/v1/calls/bulk")).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("non-empty", empty.ToJsonString());
    }

    [Fact]
    public async Task Delete_cancels_a_queued_call_once_and_unknown_calls_are_404()
    {
        var agent = await PhoneAgentAsync();
        var call = await (await PostAsync(agent, new JsonObject { ["endpoint"] = "+1", ["notBefore"] = Later })).ExpectAsync(HttpStatusCode.Created);
        var canceled = await (await Client.DeleteAsync($"/api/v1/calls/{call["callId"]}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(("Canceled", "deleted"), ((string)canceled["status"]!, (string)canceled["cancelReason"]!));
        Assert.NotNull(canceled["completedTime"]);
        // A cancel through the REST API is counted with the dispatcher's.
        Assert.Matches(@"(?m)^orchestrator_calls_canceled_total\{[^}]*reason=""deleted""[^}]*\} [1-9]", await Client.GetStringAsync("/metrics"));
        var again = await (await Client.DeleteAsync($"/api/v1/calls/{call["callId"]}")).ExpectProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains("Canceled", (string)again["detail"]!);
        await (await Client.DeleteAsync($"/api/v1/calls/{Guid.NewGuid()}")).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await Client.GetAsync($"/api/v1/calls/{Guid.NewGuid()}")).ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Lists_filter_by_status_in_both_shapes()
    {
        var agent = await PhoneAgentAsync();
        var kept = await (await PostAsync(agent, new JsonObject { ["endpoint"] = "+1", ["notBefore"] = Later })).ExpectAsync(HttpStatusCode.Created);
        var deleted = await (await PostAsync(agent, new JsonObject { ["endpoint"] = "+2", ["notBefore"] = Later })).ExpectAsync(HttpStatusCode.Created);
        await Client.DeleteAsync($"/api/v1/calls/{deleted["callId"]}");

        var queued = await (await Client.GetAsync($"/api/v1/calls?agentId={agent}&status=Queued")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([(string)kept["callId"]!], queued["items"]!.AsArray().Select(c => (string)c!["callId"]!));
        var both = await (await Client.GetAsync($"/api/v1/calls/queue/list?agentId={agent}&status=queued&status=Canceled&take=1"))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(2, (int)both["total"]!);
        Assert.Single(both["calls"]!.AsArray());

        var badStatus = await (await Client.GetAsync("/api/v1/calls?status=Sleeping")).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(badStatus.Errors().ContainsKey("status"));
        await (await Client.GetAsync("/api/v1/calls/queue/list?fromDate=yesterday")).ExpectProblemAsync(HttpStatusCode.BadRequest);
        await (await Client.GetAsync("/api/v1/calls?take=5000")).ExpectProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_queued_call_is_a_results_row_from_its_creation()
    {
        var agent = await PhoneAgentAsync();
        var call = await (await PostAsync(agent, new JsonObject
        {
            ["endpoint"] = "+1", ["notBefore"] = Later, ["campaignId"] = "spring", ["additionalData"] = new JsonObject { ["customer"] = "42" },
        })).ExpectAsync(HttpStatusCode.Created);
        var search = await (await Client.PostAsync("/api/v1/callresults/search", new JsonObject
        {
            ["page"] = 0, ["agentIds"] = new JsonArray(agent),
            ["callStatuses"] = new JsonArray("Completed", "Failed", "Running", "Queued", "Canceled", "Created"),
            ["additionalDataFilters"] = new JsonObject { ["callAdditionalData.campaignId"] = "spring" }, ["sortField"] = "completedTime",
        }.Json())).ExpectAsync(HttpStatusCode.OK);
        var row = Assert.Single(search["results"]!.AsArray())!;
        Assert.Equal(((string)call["callId"]!, "Queued", "Queued", "onPhone", "spring", 0),
            ((string)row["callId"]!, (string)row["callStatus"]!, (string)row["status"]!, (string)row["callType"]!, (string)row["campaignId"]!,
                (int)row["attempts"]!));
        Assert.Equal("42", (string?)row["callAdditionalData"]!["customer"]);
        Assert.Null(row["completedTime"]);
        Assert.Null(row["recordingUrl"]);
        Assert.Null(row["conversationId"]);
        var byId = await (await Client.GetAsync($"/api/v1/callresults/{call["callId"]}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("Queued", (string)byId["callStatus"]!);
    }
}

/// <summary>The dispatcher's deadline sweep over a real node.</summary>
[Collection(ApiCollection.Name)]
public sealed class CallDeadlineApiTests(ApiNodeFixture fixture)
{
    [Fact]
    public async Task A_call_still_waiting_at_its_deadline_is_canceled_by_the_dispatcher()
    {
        var client = fixture.Client;
        var trunk = await (await client.PostAsync("/api/v1/sip-trunks",
            new JsonObject { ["name"] = "t-" + Guid.NewGuid().ToString("N")[..8], ["server"] = "127.0.0.1:9" }.Json())).ExpectAsync(HttpStatusCode.Created);
        var agent = ApiTestExtensions.ValidAgent("deadline-" + Guid.NewGuid().ToString("N")[..6]);
        agent["config"]!["outboundSipConfig"] = new JsonObject { ["trunkId"] = trunk["id"]!.DeepClone() };
        var agentId = (string)(await client.CreateAgentAsync(agent))["agentId"]!;
        var now = DateTimeOffset.UtcNow;
        var call = await (await client.PostAsync($"/api/v1/calls?agentId={agentId}", new JsonObject
        {
            ["endpoint"] = "+1", ["notBefore"] = now.AddSeconds(1).ToString("O"), ["callDeadline"] = now.AddSeconds(2).ToString("O"),
        }.Json())).ExpectAsync(HttpStatusCode.Created);

        // Disabled, the agent's queued calls wait (nothing dials them) until their deadline passes.
        agent["isEnabled"] = false;
        await (await client.PutAsync($"/api/v1/agents/{agentId}", agent.Json())).ExpectAsync(HttpStatusCode.OK);
        JsonObject current = call;
        for (var i = 0; i < 80 && (string)current["status"]! != "Canceled"; i++)
        {
            await Task.Delay(100);
            current = await (await client.GetAsync($"/api/v1/calls/{call["callId"]}")).ExpectAsync(HttpStatusCode.OK);
        }
        Assert.Equal(("Canceled", "deadline", 0), ((string)current["status"]!, (string)current["cancelReason"]!, (int)current["attempts"]!));
    }
}
