using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Orchestrator.Cluster.Tests.Infrastructure;
using Orchestrator.Node.Tests.Infrastructure;

namespace Orchestrator.Cluster.Tests;

/// <summary>
/// A web integration's caps are the cluster's, not each node's (issue 13): with two node processes,
/// an integration allowed two conversations at once holds one on each node, and a third is refused on
/// either; when one ends, its slot can be taken on the other node.
/// </summary>
public sealed class IntegrationCapClusterTests
{
    [Fact]
    public async Task Max_concurrent_conversations_holds_across_two_nodes_and_a_freed_slot_serves_the_other_node()
    {
        await using var cluster = await TestCluster.StartAsync(2);
        var (a, b) = (cluster.Members[0], cluster.Members[1]);
        var agentId = await ChatSession.CreateDemoAgentAsync(a);
        var token = await TokenAsync(a, agentId, maxConcurrent: 2);

        await using var onA = await OpenAsync(a, token);
        await using var onB = await OpenAsync(b, token);
        foreach (var node in new[] { a, b })
        {
            await using var refused = await ProtocolClient.ConnectAsync(node.WebSocketUri("token=" + Uri.EscapeDataString(token)));
            await refused.ExpectErrorAndCloseAsync("Too many conversations", 1008);
        }

        // The conversation on A ends: its lease goes, and B may open one in its place.
        await onA.TerminateAsync();
        await onA.ExpectAsync("event", "closed", ProtocolClient.StartWait);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            await using var again = await ProtocolClient.ConnectAsync(b.WebSocketUri("token=" + Uri.EscapeDataString(token)));
            try
            {
                await again.InitializeAsync();
            }
            catch (System.Net.WebSockets.WebSocketException) { } // refused and closed before the send: the frame is still read below
            var frame = await again.ReceiveAsync();
            if ((string?)frame?["type"] != "error")
            {
                Assert.NotNull(frame);
                break;
            }
            Assert.Equal("Too many conversations", (string?)frame!["data"]!["message"]);
            Assert.True(DateTime.UtcNow < deadline, "the slot of the conversation that ended on the other node never came back\n" + cluster.Logs());
            await Task.Delay(200);
        }
    }

    /// <summary>An integration of <paramref name="agentId"/> capped at <paramref name="maxConcurrent"/>, made and given a token through the REST API.</summary>
    private static async Task<string> TokenAsync(TestCluster.Member node, string agentId, int maxConcurrent)
    {
        using var http = node.Client();
        var created = await http.PostAsJsonAsync("/api/v1/web-integrations", new
        {
            name = "capped", agentId, enabled = true, origins = new[] { "*" },
            features = new[] { new { name = "AllowWebChat", enabled = true } },
            maxConcurrentConversations = maxConcurrent, maxConversationsPerMinute = 1000,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        var issued = await http.PostAsJsonAsync($"/api/v1/web-integrations/{id}/tokens", new { name = "page" });
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        return (await issued.Content.ReadFromJsonAsync<JsonObject>())!["token"]!.GetValue<string>();
    }

    private static async Task<ProtocolClient> OpenAsync(TestCluster.Member node, string token)
    {
        var client = await ProtocolClient.ConnectAsync(node.WebSocketUri("token=" + Uri.EscapeDataString(token)));
        await client.InitializeAsync();
        await client.ExpectAsync("event", "opened", ProtocolClient.StartWait);
        return client;
    }
}
