using System.Net;
using System.Text.Json.Nodes;

namespace Orchestrator.Node.Tests.Api;

/// <summary>An agent's schedule, retry and maxConcurrentCalls are checked when it is saved, with the field's path.</summary>
[Collection(ApiCollection.Name)]
public sealed class AgentDialerFieldsTests(ApiNodeFixture fixture)
{
    [Theory]
    [InlineData("schedule", """{"mon": [{"start": {"hour": 18}, "end": {"hour": 9}}]}""", "schedule.mon[0]")]
    [InlineData("schedule", """{"timezone": "Moon/Base"}""", "schedule.timezone")]
    [InlineData("schedule", """{"someday": []}""", "schedule.someday")]
    [InlineData("retry", """{"maxAttempts": 0}""", "config.retry.maxAttempts")]
    [InlineData("retry", """{"on": ["busy", "asleep"]}""", "config.retry.on[1]")]
    [InlineData("maxConcurrentCalls", "0", "config.maxConcurrentCalls")]
    public async Task Bad_dialer_fields_answer_400_naming_the_path(string field, string value, string path)
    {
        var agent = ApiTestExtensions.ValidAgent();
        if (field == "schedule") agent["schedule"] = JsonNode.Parse(value);
        else agent["config"]![field] = JsonNode.Parse(value);
        var problem = await (await fixture.Client.PostAsync("/api/v1/agents", agent.Json())).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.Errors().ContainsKey(path), problem.ToJsonString());
    }

    [Fact]
    public async Task Good_dialer_fields_are_kept()
    {
        var agent = ApiTestExtensions.ValidAgent();
        agent["schedule"] = JsonNode.Parse("""{"timezone": "Europe/Berlin", "Monday": [{"start": {"hour": 9, "minute": 0}, "end": {"hour": 17, "minute": 0}}]}""");
        agent["config"]!["retry"] = JsonNode.Parse("""{"maxAttempts": 3, "on": ["busy"], "backoffSeconds": [60]}""");
        agent["config"]!["maxConcurrentCalls"] = 5;
        var created = await fixture.Client.CreateAgentAsync(agent);
        Assert.Equal(5, (int)created["config"]!["maxConcurrentCalls"]!);
        Assert.Equal(3, (int)created["config"]!["retry"]!["maxAttempts"]!);
        Assert.Equal("Europe/Berlin", (string?)created["schedule"]!["timezone"]);
    }
}
