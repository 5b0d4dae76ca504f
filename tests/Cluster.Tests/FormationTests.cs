using Orchestrator.Cluster.Tests.Infrastructure;

namespace Orchestrator.Cluster.Tests;

/// <summary>Three node processes given the same static seed list form one cluster with one leader.</summary>
public sealed class FormationTests
{
    [Fact]
    public async Task Three_nodes_with_the_same_seed_list_form_one_cluster_and_a_restarted_node_rejoins()
    {
        await using var cluster = await TestCluster.StartAsync(3);
        var views = await Task.WhenAll(cluster.Members.Select(TestCluster.ViewAsync));
        var expected = cluster.Members.Select(m => m.AkkaAddress).Order().ToList();
        foreach (var view in views)
        {
            Assert.Equal(expected, view["members"]!.AsArray().Select(m => m!["address"]!.GetValue<string>()).Order().ToList());
            Assert.All(view["members"]!.AsArray(), m => Assert.Contains("conversation", m!["roles"]!.AsArray().Select(r => r!.GetValue<string>())));
        }
        Assert.Single(views.Select(v => v["leader"]!.GetValue<string>()).Distinct());

        // The first seed, killed and started again, joins the surviving cluster rather than forming its own.
        cluster.Members[0].Process.Kill();
        await cluster.WaitForMembersAsync(2, TimeSpan.FromSeconds(60));
        await cluster.RestartAsync(cluster.Members[0]);
        Assert.Equal(3, TestCluster.UpCount(await TestCluster.ViewAsync(cluster.Members[1])));
    }
}
