using Orchestrator.Media.WebRtc;

namespace Orchestrator.Media.Tests.WebRtc;

public class PlaybackQueueTests
{
    private static short[] Samples(int count, short value = 100) => Enumerable.Repeat(value, count).ToArray();

    [Fact]
    public void Chunks_of_any_size_come_out_as_whole_frames_and_the_tail_is_padded()
    {
        var queue = new PlaybackQueue(320);
        Assert.Equal(500, queue.Enqueue(Samples(500)));
        Assert.Equal(700, queue.Enqueue(Samples(200, 7)));
        Assert.True(queue.TryDequeue(out var first));
        Assert.Equal(320, first.Length);
        Assert.True(queue.TryDequeue(out var second));
        Assert.Equal(320, second.Length);
        Assert.Equal(100, second[179]);
        Assert.Equal(7, second[180]);
        Assert.Equal(640, queue.Sent);
        Assert.True(queue.TryDequeue(out var tail));
        Assert.Equal(60, tail.Count(s => s == 7));
        Assert.All(tail[60..], s => Assert.Equal(0, s));
        Assert.Equal(700, queue.Sent); // padding is not counted as played
        Assert.False(queue.TryDequeue(out _));
    }

    [Fact]
    public void Clear_drops_what_was_not_sent_and_tells_how_much_of_an_utterance_was_heard()
    {
        var queue = new PlaybackQueue(320);
        long start = queue.QueuedEnd;
        long end = queue.Enqueue(Samples(3200)); // 200 ms utterance
        for (int i = 0; i < 3; i++) Assert.True(queue.TryDequeue(out _));

        long dropped = queue.Clear();

        Assert.Equal(3200 - 960, dropped);
        Assert.Equal(0, queue.Pending);
        long heard = Math.Clamp(queue.Sent - start, 0, end - start);
        Assert.Equal(960, heard); // 60 ms of 200 ms
        Assert.False(queue.TryDequeue(out _));
        // The next utterance starts where playback stopped.
        Assert.Equal(960 + 320, queue.Enqueue(Samples(320)));
    }

    [Fact]
    public void An_utterance_queued_behind_another_and_cleared_was_not_heard_at_all()
    {
        var queue = new PlaybackQueue(320);
        queue.Enqueue(Samples(640));
        long secondStart = queue.QueuedEnd;
        long secondEnd = queue.Enqueue(Samples(640));
        queue.TryDequeue(out _);
        queue.Clear();
        Assert.Equal(0, Math.Clamp(queue.Sent - secondStart, 0, secondEnd - secondStart));
    }

    [Fact]
    public async Task Producer_and_consumer_on_different_threads_agree_on_the_count()
    {
        var queue = new PlaybackQueue(320);
        var producer = Task.Run(() => { for (int i = 0; i < 1000; i++) queue.Enqueue(Samples(77)); });
        long taken = 0;
        while (!producer.IsCompleted || queue.Pending > 0)
            if (queue.TryDequeue(out _)) taken++;
        await producer;
        Assert.Equal(77_000, queue.Sent);
        // A padded partial frame can split the count, never lose samples.
        Assert.True(taken >= 77_000 / 320);
    }
}
