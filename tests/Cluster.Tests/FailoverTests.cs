using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Orchestrator.Cluster.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Orchestrator.Cluster.Tests;

/// <summary>
/// Three node processes on PostgreSQL; one is killed with SIGKILL in the middle of chats. Its
/// conversations come back on the survivors from the journal: clients whose socket was on the dead
/// node resume through another node, clients on survivors keep their socket (it re-links by itself).
/// </summary>
public sealed class FailoverTests(ITestOutputHelper output)
{
    private const int Conversations = 12;

    [Fact]
    public async Task Killing_a_node_mid_chat_loses_no_conversation_no_acknowledged_turn_and_stores_every_result_once()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var agentId = await ChatSession.CreateDemoAgentAsync(cluster.Members[0]);

        var sessions = new List<ChatSession>();
        for (var i = 0; i < Conversations; i++)
            sessions.Add(await ChatSession.StartAsync(cluster.Members[i % 3], agentId));
        await Task.WhenAll(sessions.Select(s => s.TurnAsync()));

        // The victim: the node hosting the most of these conversations' entities.
        var hosted = new Dictionary<TestCluster.Member, int>();
        foreach (var member in cluster.Members)
        {
            using var http = member.Client();
            hosted[member] = (await http.GetFromJsonAsync<JsonObject>("/api/v1/misc/concurrency"))!["active"]!.GetValue<int>();
        }
        var victim = hosted.MaxBy(h => h.Value).Key;
        Assert.True(hosted[victim] > 0, "no node hosts any conversation");
        var survivors = cluster.Members.Where(m => m != victim).ToList();
        output.WriteLine($"conversations per node: {string.Join(", ", hosted.Select(h => $"node{h.Key.Index}={h.Value}"))}; killing node{victim.Index}");

        var clock = Stopwatch.StartNew();
        victim.Process.Kill();
        var removed = Task.Run(async () =>
        {
            await cluster.WaitForMembersAsync(2, TimeSpan.FromSeconds(60));
            return clock.Elapsed;
        });

        var recovered = await Task.WhenAll(sessions.Select(async session =>
        {
            if (session.Node == victim)
            {
                // Its socket died with the node: resume through a survivor.
                await session.ResumeAsync(survivors[sessions.IndexOf(session) % 2], TimeSpan.FromSeconds(60));
            }
            else
            {
                // Its socket is on a survivor and re-links to the conversation's next incarnation by
                // itself once the dead node is downed. Input sent before every region has heard of the
                // removal would still go to the dead node, unanswered: the client waits a moment longer.
                await removed;
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
            try
            {
                await session.TurnAsync(TimeSpan.FromSeconds(30));
            }
            catch (Exception ex)
            {
                throw new Xunit.Sdk.XunitException($"conversation {session.ConversationId} (socket on node{session.Node.Index}) "
                                                   + $"took no turn after the kill: {ex.Message}\n{cluster.Logs()}");
            }
            return clock.Elapsed;
        }));
        var downedAfter = await removed;
        output.WriteLine($"dead node removed by the split-brain resolver after {downedAfter.TotalSeconds:F1} s; "
                         + $"every conversation accepted a turn again after {recovered.Max().TotalSeconds:F1} s "
                         + $"(fastest {recovered.Min().TotalSeconds:F1} s)");

        await Task.WhenAll(sessions.Select(s => s.EndAsync()));
        foreach (var session in sessions)
        {
            var result = await cluster.ResultAsync(survivors[0], session.ConversationId);
            Assert.Equal("agent_ended", result["finishReason"]!.GetValue<string>());
            // Every acknowledged turn exactly once, then the goodbye.
            Assert.Equal([.. session.Acknowledged, "bye"], TestCluster.UserLines(result));
        }
        Assert.Equal(Conversations, await StoredResultsAsync(cluster, sessions.Select(s => s.ConversationId)));
        foreach (var s in sessions) await s.DisposeAsync();
    }

    private static async Task<long> StoredResultsAsync(TestCluster cluster, IEnumerable<string> ids)
    {
        await using var conn = new Npgsql.NpgsqlConnection(cluster.Database.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("SELECT count(*) FROM orch_conversation_results WHERE conversation_id = ANY(@ids)", conn);
        cmd.Parameters.AddWithValue("ids", ids.ToArray());
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
