using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Orchestrator.Node.Tests.Api;

/// <summary>/campaigns over a real node. Calls are held by notBefore so none is dialled.</summary>
[Collection(ApiCollection.Name)]
public sealed class CampaignApiTests(ApiNodeFixture fixture)
{
    private HttpClient Client => fixture.Client;
    private static readonly string Later = DateTimeOffset.UtcNow.AddHours(2).ToString("O");

    private async Task<string> PhoneAgentAsync()
    {
        var trunk = await (await Client.PostAsync("/api/v1/sip-trunks",
            new JsonObject { ["name"] = "t-" + Guid.NewGuid().ToString("N")[..8], ["server"] = "127.0.0.1:9" }.Json())).ExpectAsync(HttpStatusCode.Created);
        var agent = ApiTestExtensions.ValidAgent("campaigner-" + Guid.NewGuid().ToString("N")[..6]);
        agent["config"]!["outboundSipConfig"] = new JsonObject { ["trunkId"] = trunk["id"]!.DeepClone() };
        return (string)(await Client.CreateAgentAsync(agent))["agentId"]!;
    }

    private async Task<JsonObject> CreateAsync(string agent, JsonArray? calls = null) =>
        await (await Client.PostAsync("/api/v1/campaigns", new JsonObject
        {
            ["name"] = "Spring", ["agentId"] = agent, ["concurrency"] = 20, ["cpsLimit"] = 5,
            ["retry"] = new JsonObject { ["maxAttempts"] = 2, ["on"] = new JsonArray("busy") },
            ["calls"] = calls ?? new JsonArray(),
        }.Json())).ExpectAsync(HttpStatusCode.Created);

    private static StringContent Csv(string text) => new(text, Encoding.UTF8, "text/csv");

    [Fact]
    public async Task A_campaign_is_created_with_calls_and_counts_them()
    {
        var agent = await PhoneAgentAsync();
        var campaign = await CreateAsync(agent, new JsonArray(
            new JsonObject { ["endpoint"] = "+1", ["notBefore"] = Later }, new JsonObject { ["endpoint"] = "+2", ["notBefore"] = Later }));
        Assert.Equal(("Active", 20, 5.0), ((string)campaign["status"]!, (int)campaign["concurrency"]!, (double)campaign["cpsLimit"]!));
        Assert.Equal((2, 2), ((int)campaign["counts"]!["total"]!, (int)campaign["counts"]!["Queued"]!));

        var id = (string)campaign["campaignId"]!;
        var calls = await (await Client.GetAsync($"/api/v1/campaigns/{id}/calls?status=Queued")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(2, (int)calls["total"]!);
        var call = calls["items"]![0]!;
        Assert.Equal((id, 2), ((string)call["campaignId"]!, (int)call["maxAttempts"]!)); // the campaign's retry policy
        var list = await (await Client.GetAsync("/api/v1/campaigns?take=1000")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(list["items"]!.AsArray(), c => (string)c!["campaignId"]! == id);
    }

    [Theory]
    [InlineData("""{"agentId": "x", "concurrency": 1}""", "name")]
    [InlineData("""{"name": "n", "agentId": "x", "concurrency": 1}""", "agentId")]
    [InlineData("""{"name": "n", "concurrency": 0}""", "concurrency")]
    [InlineData("""{"name": "n", "concurrency": 1, "cpsLimit": 0}""", "cpsLimit")]
    [InlineData("""{"name": "n", "concurrency": 1, "retry": {"maxAttempts": 0}}""", "retry.maxAttempts")]
    [InlineData("""{"name": "n", "concurrency": 1, "timezone": "Nowhere"}""", "timezone")]
    [InlineData("""{"name": "n", "concurrency": 1, "callDeadline": "2001-01-01T00:00:00Z"}""", "callDeadline")]
    [InlineData("""{"name": "n", "concurrency": 1, "calls": [{"endpoint": ""}]}""", "calls[0].endpoint")]
    public async Task Bad_campaigns_answer_400_naming_the_field(string body, string field)
    {
        var json = JsonNode.Parse(body)!.AsObject();
        if (!json.ContainsKey("agentId")) json["agentId"] = await PhoneAgentAsync();
        var problem = await (await Client.PostAsync("/api/v1/campaigns", json.Json())).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.Errors().ContainsKey(field), problem.ToJsonString());
    }

    [Fact]
    public async Task Csv_rows_are_appended_with_extra_columns_as_additional_data()
    {
        var agent = await PhoneAgentAsync();
        var id = (string)(await CreateAsync(agent))["campaignId"]!;
        var added = await (await Client.PostAsync($"/api/v1/campaigns/{id}/calls",
            Csv($"endpoint,firstName,priority,notBefore\n+10,Ada,3,{Later}\n\"+11\",\"Bob, Jr.\",,{Later}\n"))).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(2, (int)added["added"]!);
        var json = await (await Client.PostAsync($"/api/v1/campaigns/{id}/calls",
            new JsonArray(new JsonObject { ["endpoint"] = "+12", ["notBefore"] = Later }).Json())).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(1, (int)json["added"]!);

        var calls = (await (await Client.GetAsync($"/api/v1/campaigns/{id}/calls")).ExpectAsync(HttpStatusCode.OK))["items"]!.AsArray();
        Assert.Equal(["+10", "+11", "+12"], calls.Select(c => (string)c!["endpoint"]!));
        Assert.Equal(("Ada", 3), ((string?)calls[0]!["additionalData"]!["firstName"], (int)calls[0]!["priority"]!));
        Assert.Equal(("Bob, Jr.", 1), ((string?)calls[1]!["additionalData"]!["firstName"], (int)calls[1]!["priority"]!));
    }

    [Fact]
    public async Task A_bad_csv_row_names_its_line_and_adds_nothing()
    {
        var agent = await PhoneAgentAsync();
        var id = (string)(await CreateAsync(agent))["campaignId"]!;
        var problem = await (await Client.PostAsync($"/api/v1/campaigns/{id}/calls",
            Csv($"endpoint,timezone,notBefore\n+1,,{Later}\n+2,Mars/Olympus,{Later}\n"))).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("Line 3", problem.ToJsonString());
        Assert.Contains("Mars/Olympus", problem.ToJsonString());
        Assert.Equal(0, (int)(await (await Client.GetAsync($"/api/v1/campaigns/{id}"))
            .ExpectAsync(HttpStatusCode.OK))["counts"]!["total"]!);
        await (await Client.PostAsync("/api/v1/campaigns/nope/calls", Csv("endpoint\n+1\n"))).ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_hundred_thousand_row_upload_is_read_as_it_streams()
    {
        var agent = await PhoneAgentAsync();
        var id = (string)(await CreateAsync(agent))["campaignId"]!;
        var content = new PushStreamContentCsv(100_000, Later).Init();
        var added = await (await Client.PostAsync($"/api/v1/campaigns/{id}/calls", content)).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(100_000, (int)added["added"]!);
        var campaign = await (await Client.GetAsync($"/api/v1/campaigns/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(100_000, (int)campaign["counts"]!["Queued"]!);
        var cancel = await (await Client.PostAsync($"/api/v1/campaigns/{id}/cancel", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(100_000, (int)cancel["counts"]!["Canceled"]!);
    }

    [Fact]
    public async Task Pause_resume_and_cancel_move_the_campaign_and_cancel_its_queued_calls()
    {
        var agent = await PhoneAgentAsync();
        var id = (string)(await CreateAsync(agent, new JsonArray(new JsonObject { ["endpoint"] = "+1", ["notBefore"] = Later })))["campaignId"]!;
        Assert.Equal("Paused", (string)(await (await Client.PostAsync($"/api/v1/campaigns/{id}/pause", null)).ExpectAsync(HttpStatusCode.OK))["status"]!);
        await (await Client.PostAsync($"/api/v1/campaigns/{id}/pause", null)).ExpectProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("Active", (string)(await (await Client.PostAsync($"/api/v1/campaigns/{id}/resume", null)).ExpectAsync(HttpStatusCode.OK))["status"]!);
        await (await Client.PostAsync($"/api/v1/campaigns/{id}/resume", null)).ExpectProblemAsync(HttpStatusCode.Conflict);

        var canceled = await (await Client.PostAsync($"/api/v1/campaigns/{id}/cancel", null)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(("Canceled", 1), ((string)canceled["status"]!, (int)canceled["counts"]!["Canceled"]!));
        var call = (await (await Client.GetAsync($"/api/v1/campaigns/{id}/calls")).ExpectAsync(HttpStatusCode.OK))["items"]![0]!;
        Assert.Equal(("Canceled", "campaign_canceled"), ((string)call["status"]!, (string)call["cancelReason"]!));
        await (await Client.PostAsync($"/api/v1/campaigns/{id}/cancel", null)).ExpectProblemAsync(HttpStatusCode.Conflict);
        await (await Client.PostAsync($"/api/v1/campaigns/{id}/calls", Csv("endpoint\n+1\n"))).ExpectProblemAsync(HttpStatusCode.Conflict);
        await (await Client.GetAsync("/api/v1/campaigns/nope")).ExpectProblemAsync(HttpStatusCode.NotFound);
        await (await Client.PostAsync("/api/v1/campaigns/nope/pause", null)).ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    /// <summary>A CSV body written as it is sent, so neither side holds the whole upload.</summary>
    private sealed class PushStreamContentCsv(int rows, string notBefore) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
            await writer.WriteAsync("endpoint,notBefore,customer\n");
            for (var i = 0; i < rows; i++) await writer.WriteAsync($"+1555{i:D7},{notBefore},c{i}\n");
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }

        public PushStreamContentCsv Init()
        {
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
            return this;
        }
    }
}
