using System.Net;
using System.Reflection;
using Xunit.Sdk;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Messages.Results;
using Orchestrator.Node.Tests.Infrastructure;
using Orchestrator.Storage.Integrations;
using Orchestrator.Storage.Results;

namespace Orchestrator.Node.Tests.Api;

public sealed class RestartTests
{
    [Theory]
    [InlineData("sqlite")]
    [PostgresCase]
    public async Task Agents_integrations_tokens_and_results_survive_a_restart(string provider)
    {
        using var database = provider == "sqlite" ? TestDatabase.Sqlite() : TestDatabase.Postgres();
        string agentId, integrationId, token;

        await using (var node = await TestNode.StartAsync(database))
        {
            using var client = node.CreateClient();
            agentId = (string)(await client.CreateAgentAsync())["agentId"]!;
            integrationId = (string)(await client.CreateIntegrationAsync(agentId))["id"]!;
            token = (string)(await (await client.PostAsync($"/api/v1/web-integrations/{integrationId}/tokens",
                new JsonObject { ["name"] = "website" }.Json())).ExpectAsync(HttpStatusCode.Created))["token"]!;
            await node.Services.GetRequiredService<IResultStore>().SaveAsync(new ConversationResult
            {
                ConversationId = "restart-c1", AgentId = agentId, FinishReason = FinishReasons.AgentEnded,
                StartedAt = DateTimeOffset.UtcNow, EndedAt = DateTimeOffset.UtcNow,
            });
        }

        await using (var node = await TestNode.StartAsync(database))
        {
            using var client = node.CreateClient();
            var agent = await (await client.GetAsync($"/api/v1/agents/{agentId}")).ExpectAsync(HttpStatusCode.OK);
            Assert.Equal("Booking assistant", (string?)agent["name"]);
            var integration = await (await client.GetAsync($"/api/v1/web-integrations/{integrationId}")).ExpectAsync(HttpStatusCode.OK);
            Assert.Equal(agentId, (string?)integration["agentId"]);
            Assert.Equal("website", (string?)integration["tokens"]![0]!["name"]);
            Assert.Equal(integrationId, (await node.Services.GetRequiredService<IWebIntegrationStore>().AuthenticateTokenAsync(token))?.Integration.Id);
            var result = await (await client.GetAsync("/api/v1/callresults/restart-c1")).ExpectAsync(HttpStatusCode.OK);
            Assert.Equal(agentId, (string?)result["agentId"]);
        }
    }
}

/// <summary>The PostgreSQL case: skipped locally without ORCH_TEST_PG, run (and failing clearly) under CI=true.</summary>
public sealed class PostgresCaseAttribute : DataAttribute
{
    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [["postgresql"]];

    public override string? Skip
    {
        get => TestDatabase.PostgresServer is not null || Environment.GetEnvironmentVariable("CI") == "true"
            ? null
            : "ORCH_TEST_PG is not set";
        set { }
    }
}
