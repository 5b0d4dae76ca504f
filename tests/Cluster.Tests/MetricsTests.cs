using System.Globalization;
using System.Text.RegularExpressions;
using Orchestrator.Cluster.Tests.Infrastructure;

namespace Orchestrator.Cluster.Tests;

/// <summary>/metrics, scraped from a node process during a chat, shows the counters moving.</summary>
public sealed class MetricsTests
{
    [Fact]
    public async Task Metrics_count_conversations_turns_and_cluster_members_as_a_chat_runs()
    {
        await using var cluster = await TestCluster.StartAsync(1);
        var node = cluster.Members[0];
        var agentId = await ChatSession.CreateDemoAgentAsync(node);

        var before = await ScrapeAsync(node);
        Assert.Equal(1, Value(before, "orchestrator_cluster_members", "status=\"Up\""));
        Assert.Equal(0, Value(before, "orchestrator_cluster_unreachable"));
        Assert.Equal(0, Value(before, "orchestrator_turns_total", "channel=\"chat\""));

        await using var chat = await ChatSession.StartAsync(node, agentId);
        await chat.TurnAsync();
        await chat.TurnAsync();
        var during = await ScrapeAsync(node);
        Assert.Equal(1, Value(during, "orchestrator_conversations_started_total", "channel=\"chat\""));
        Assert.Equal(1, Value(during, "orchestrator_conversations_active", "channel=\"chat\""));
        Assert.Equal(2, Value(during, "orchestrator_turns_total", "channel=\"chat\""));
        Assert.Equal(2, Value(during, "orchestrator_turn_latency_seconds_count", "channel=\"chat\""));
        Assert.True(Value(during, "orchestrator_turn_latency_seconds_sum", "channel=\"chat\"") > 0);

        await chat.EndAsync();
        var after = await ScrapeAsync(node);
        Assert.Equal(1, Value(after, "orchestrator_conversations_ended_total", "reason=\"agent_ended\""));
        Assert.Equal(0, Value(after, "orchestrator_conversations_active", "channel=\"chat\""));
        Assert.Equal(3, Value(after, "orchestrator_turns_total", "channel=\"chat\"")); // and the goodbye
    }

    private static async Task<string> ScrapeAsync(TestCluster.Member node)
    {
        using var http = node.Client();
        var response = await http.GetAsync("/metrics");
        response.EnsureSuccessStatusCode();
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.MediaType);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The value of the sample <paramref name="name"/> whose labels contain <paramref name="label"/>; 0 when absent.</summary>
    private static double Value(string text, string name, string label = "")
    {
        var samples = text.Split('\n')
            .Select(l => Regex.Match(l, $@"^{Regex.Escape(name)}(\{{[^}}]*\}})?\s+(\S+)"))
            .Where(m => m.Success && m.Groups[1].Value.Contains(label))
            .Select(m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.True(samples.Count <= 1, $"{name} {label}: {samples.Count} samples in\n{text}");
        return samples.SingleOrDefault();
    }
}
