using System.Collections.Concurrent;
using Orchestrator.Media.WebRtc;

namespace Orchestrator.Media.Tests.WebRtc;

public sealed class MediaTickSchedulerTests
{
    [Fact]
    public async Task Streams_are_spread_over_the_shards_and_each_is_always_ticked_by_the_same_thread()
    {
        var scheduler = new MediaTickScheduler(TimeSpan.FromMilliseconds(5), shards: 3);
        var threads = new ConcurrentDictionary<int, ConcurrentDictionary<string, byte>>();
        var registrations = Enumerable.Range(0, 9).Select(i =>
        {
            threads[i] = new();
            return scheduler.Register(() => threads[i].TryAdd(Thread.CurrentThread.Name ?? "?", 0));
        }).ToList();
        Assert.Equal([3, 3, 3], scheduler.StreamsPerShard);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (threads.Values.Any(t => t.IsEmpty) && DateTime.UtcNow < deadline) await Task.Delay(20);
        await Task.Delay(100);
        Assert.All(threads.Values, t => Assert.Single(t));
        var names = threads.Values.Select(t => t.Keys.Single()).ToList();
        Assert.Equal(3, names.Distinct().Count());
        Assert.All(names, n => Assert.StartsWith("media-ticks-", n));

        registrations[0].Dispose();
        registrations[0].Dispose();
        registrations[1].Dispose();
        Assert.Equal(7, scheduler.StreamsPerShard.Sum());
        // A new stream goes to the emptiest shard.
        var again = scheduler.Register(() => { });
        Assert.Equal(8, scheduler.StreamsPerShard.Sum());
        Assert.True(scheduler.StreamsPerShard.Max() - scheduler.StreamsPerShard.Min() <= 1);
        again.Dispose();
        foreach (var r in registrations) r.Dispose();
        Assert.Equal(0, scheduler.StreamsPerShard.Sum());
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MediaTickScheduler(TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MediaTickScheduler(TimeSpan.FromMilliseconds(10), shards: 0));
        Assert.Throws<ArgumentNullException>(() => new MediaTickScheduler(TimeSpan.FromMilliseconds(10)).Register(null!));
    }
}
