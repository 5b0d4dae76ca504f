using Akka.Actor;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Node.Hosting;
using Orchestrator.Node.Tests.Infrastructure;

namespace Orchestrator.Node.Tests.Hosting;

/// <summary>The failover timings the node gives Akka: the resolver's stable-after and the removal margin after it.</summary>
public sealed class ClusterTimingTests
{
    [Fact]
    public async Task The_node_gives_akka_its_removal_margin_and_region_retry_instead_of_akkas_defaults()
    {
        using var database = TestDatabase.Sqlite();
        await using var node = await TestNode.StartAsync(database, new Dictionary<string, string?>
        {
            ["Orchestrator:Cluster:StableAfter"] = "00:00:06",
            ["Orchestrator:Cluster:DownRemovalMargin"] = "00:00:02",
        });
        var system = node.Services.GetRequiredService<ActorSystem>();
        // Left to Akka the margin would be stable-after again (6 s here), doubling the failover time.
        Assert.Equal(TimeSpan.FromSeconds(2), Akka.Cluster.Cluster.Get(system).DowningProvider.DownRemovalMargin);
        Assert.Equal(TimeSpan.FromSeconds(6), system.Settings.Config.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after"));
        Assert.Equal(TimeSpan.FromMilliseconds(500), system.Settings.Config.GetTimeSpan("akka.cluster.sharding.retry-interval"));
    }

    [Fact]
    public async Task A_zero_margin_stays_zero_rather_than_falling_back_to_stable_after()
    {
        using var database = TestDatabase.Sqlite();
        await using var node = await TestNode.StartAsync(database, new Dictionary<string, string?>
        {
            ["Orchestrator:Cluster:DownRemovalMargin"] = "00:00:00",
        });
        var margin = Akka.Cluster.Cluster.Get(node.Services.GetRequiredService<ActorSystem>()).DowningProvider.DownRemovalMargin;
        Assert.True(margin < TimeSpan.FromMilliseconds(10), $"margin {margin}");
    }

    [Theory]
    [InlineData("00:00:08", "must be between 0 and StableAfter (00:00:07); it is 00:00:08")]
    [InlineData("-00:00:01", "must be between 0 and StableAfter (00:00:07); it is -00:00:01")]
    public void A_margin_outside_zero_to_stable_after_is_refused_with_the_setting_named(string margin, string message)
    {
        var settings = new ClusterSettings { DownRemovalMargin = TimeSpan.Parse(margin) };
        var error = Assert.Throws<InvalidOperationException>(settings.Validate);
        Assert.Equal($"Orchestrator:Cluster:DownRemovalMargin {message}.", error.Message);
    }
}
