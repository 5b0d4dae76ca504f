using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Messages.Integrations;
using Orchestrator.Node.Tests.Infrastructure;
using Orchestrator.Storage.Agents;
using Orchestrator.Storage.Integrations;

namespace Orchestrator.Node.Tests.WebSockets;

/// <summary>A node stopped and started on the same database loses neither results nor live conversations.</summary>
public sealed class NodeRestartTests
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task A_conversation_resumes_on_a_restarted_node_and_its_result_is_kept(string provider)
    {
        using var database = provider == "sqlite" ? TestDatabase.Sqlite() : TestDatabase.Postgres();
        var settings = new Dictionary<string, string?> { ["Orchestrator:Conversations:ResumeGracePeriod"] = "00:00:30" };
        string token, id;
        await using (var node = await TestNode.StartAsync(database, settings))
        {
            var agent = await node.Services.GetRequiredService<IAgentStore>().CreateAsync(ChatNodeFixture.DemoAgent());
            var integrations = node.Services.GetRequiredService<IWebIntegrationStore>();
            var integration = await integrations.CreateAsync(new WebIntegration
            {
                Name = "restart", AgentId = agent.AgentId,
                Features = [new(IntegrationFeatures.AllowWebChat, true), new(IntegrationFeatures.SendCallResult, true)],
                Tools = ["book_table"],
            });
            token = (await integrations.CreateTokenAsync(integration.Id, "t", null))!.Token;

            await using var client = await ProtocolClient.ConnectAsync(node.WebSocketUri("token=" + token));
            await client.InitializeAsync();
            id = (await client.NextAsync("event", "connection"))["data"]!["conversationId"]!.GetValue<string>();
            await client.ExpectAsync("text");
            await client.SayAsync("what are your opening hours?");
            await client.NextTextAsync("user");
            await client.NextTextAsync("assistant");
        }

        await using (var node = await TestNode.StartAsync(database, settings))
        {
            await using var client = await ProtocolClient.ConnectAsync(node.WebSocketUri("token=" + token));
            await client.ResumeAsync(id);
            await client.NextAsync("event", "connection");
            await client.NextAsync("event", "opened");
            Assert.StartsWith("Hello there", await client.NextTextAsync("assistant"));
            Assert.Equal("what are your opening hours?", await client.NextTextAsync("user"));
            Assert.StartsWith("We're open", await client.NextTextAsync("assistant"));
            await client.SayAsync("bye");
            await client.NextTextAsync("user");
            await client.NextTextAsync("assistant");
            Assert.Equal(5, (await client.NextAsync("conversationResult"))["result"]!["transcription"]!.AsArray().Count);
        }

        await using (var node = await TestNode.StartAsync(database, settings))
        {
            using var http = node.CreateClient();
            var result = await http.GetFromJsonAsync<JsonObject>($"/api/v1/callresults/{id}");
            Assert.Equal("agent_ended", result!["finishReason"]!.GetValue<string>());
            Assert.Equal(5, result["transcription"]!.AsArray().Count);
        }
    }

    [Fact]
    public async Task A_conversation_left_live_by_a_stopped_node_is_ended_and_stored_by_the_next_one()
    {
        using var database = TestDatabase.Sqlite();
        var settings = new Dictionary<string, string?> { ["Orchestrator:Conversations:ResumeGracePeriod"] = "00:00:01" };
        string id;
        await using (var node = await TestNode.StartAsync(database, settings))
        {
            var agent = await node.Services.GetRequiredService<IAgentStore>().CreateAsync(ChatNodeFixture.DemoAgent());
            await using var client = await ProtocolClient.ConnectAsync(
                node.WebSocketUri($"authorization={TestNode.ApiKey}&agentId={agent.AgentId}"));
            await client.InitializeAsync();
            id = (await client.NextAsync("event", "connection"))["data"]!["conversationId"]!.GetValue<string>();
            await client.ExpectAsync("text");
        } // the node stops with the conversation live and its client gone for good

        await using (var node = await TestNode.StartAsync(database, settings))
        {
            var result = await node.WaitForResultAsync(id, TimeSpan.FromSeconds(15));
            Assert.Equal("connection_lost", result["finishReason"]!.GetValue<string>());
        }
    }
}
