using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using Orchestrator.Cluster.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Orchestrator.Cluster.Tests;

/// <summary>
/// SIGTERM of a node during chats: it goes unready, refuses new sockets, closes its chat sockets
/// with 1012 (resume elsewhere), hands its conversations off and leaves. No conversation ends and no
/// client sees an error.
/// </summary>
public sealed class DrainTests(ITestOutputHelper output)
{
    private const int Conversations = 9;

    [Fact]
    public async Task A_node_stopped_with_SIGTERM_drains_its_chats_to_the_other_nodes_without_an_error_or_an_ended_conversation()
    {
        await using var cluster = await TestCluster.StartAsync(3, new Dictionary<string, string>
        {
            ["Orchestrator__Drain__ReadinessDelay"] = "00:00:02",
            ["Orchestrator__Drain__Timeout"] = "00:00:10",
        });
        var agentId = await ChatSession.CreateDemoAgentAsync(cluster.Members[0]);
        var sessions = new List<ChatSession>();
        for (var i = 0; i < Conversations; i++) sessions.Add(await ChatSession.StartAsync(cluster.Members[i % 3], agentId));
        await Task.WhenAll(sessions.Select(s => s.TurnAsync()));

        var leaving = cluster.Members[1];
        var survivors = cluster.Members.Where(m => m != leaving).ToList();
        var clock = Stopwatch.StartNew();
        leaving.Process.Terminate();
        var closes = sessions.Where(s => s.Node == leaving).Select(s => s.ExpectCloseWithoutErrorAsync(TimeSpan.FromSeconds(30))).ToList();
        try
        {
            await DrainAndContinueAsync();
        }
        catch (Exception ex)
        {
            throw new Xunit.Sdk.XunitException($"{ex}\n--- the leaving node:\n{leaving.Process.Output}");
        }

        async Task DrainAndContinueAsync()
        {

        // Unready first, and no new socket, while its chat sockets are still open.
        using (var http = leaving.Client())
        {
            HttpStatusCode status;
            do status = (await http.GetAsync("/readyz")).StatusCode;
            while (status == HttpStatusCode.OK && clock.Elapsed < TimeSpan.FromSeconds(2));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        }
        var refused = await Assert.ThrowsAsync<WebSocketException>(() =>
            ProtocolClient.ConnectAsync(leaving.WebSocketUri($"authorization={NodeSettings.ApiKey}&agentId={agentId}")));
        Assert.Contains("503", refused.Message);
        Assert.All(closes, c => Assert.False(c.IsCompleted, "a chat socket closed before the node went unready"));

        Assert.All(await Task.WhenAll(closes), code => Assert.Equal(1012, code));
        output.WriteLine($"chat sockets closed with 1012 after {clock.Elapsed.TotalSeconds:F1} s");

        var left = Task.Run(async () =>
        {
            await cluster.WaitForMembersAsync(2, TimeSpan.FromSeconds(60));
            return clock.Elapsed;
        });
        await Task.WhenAll(sessions.Select(async session =>
        {
            if (session.Node == leaving) await session.ResumeAsync(survivors[sessions.IndexOf(session) % 2], TimeSpan.FromSeconds(60));
            else await left;
            await session.TurnAsync(TimeSpan.FromSeconds(30));
        }));
        output.WriteLine($"node left the cluster after {(await left).TotalSeconds:F1} s; it exited with {await leaving.Process.WaitForExitAsync(TimeSpan.FromSeconds(60))}");
        Assert.True(leaving.Process.HasExited);

        await Task.WhenAll(sessions.Select(s => s.EndAsync()));
        foreach (var session in sessions)
        {
            var result = await cluster.ResultAsync(survivors[0], session.ConversationId);
            Assert.Equal("agent_ended", result["finishReason"]!.GetValue<string>());
            Assert.Equal([.. session.Acknowledged, "bye"], TestCluster.UserLines(result));
            await session.DisposeAsync();
        }
        }
    }
}
