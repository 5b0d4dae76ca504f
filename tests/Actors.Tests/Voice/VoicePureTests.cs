using Orchestrator.Actors.Voice;

namespace Orchestrator.Actors.Tests.Voice;

public class PlayedTextTests
{
    private const string Line = "I can book a table for two people tonight";

    [Theory]
    [InlineData(0, 100, "")]
    [InlineData(100, 100, Line)]
    [InlineData(150, 100, Line)]
    [InlineData(1, 100, "")]                 // not one whole word yet
    [InlineData(50, 100, "I can book a table")]   // 20 of 41 characters reach into "for": cut back
    [InlineData(33, 100, "I can book a")]
    public void The_played_prefix_is_proportional_and_cut_at_a_word(long played, long total, string expected) =>
        Assert.Equal(expected, PlayedText.Prefix(Line, played, total));

    [Fact]
    public void Nothing_is_played_of_an_empty_or_unsynthesised_line()
    {
        Assert.Equal("", PlayedText.Prefix("", 10, 100));
        Assert.Equal("", PlayedText.Prefix(Line, 10, 0));
    }

    [Fact]
    public void A_prefix_is_always_a_prefix_of_the_text()
    {
        for (long played = 0; played <= 100; played++)
        {
            var prefix = PlayedText.Prefix(Line, played, 100);
            Assert.StartsWith(prefix, Line);
            Assert.True(prefix.Length == Line.Length || prefix.Length == 0 || Line[prefix.Length] == ' ');
        }
    }
}

public class PreRollBufferTests
{
    [Fact]
    public void It_keeps_the_latest_frames_oldest_first_and_empties_on_drain()
    {
        var buffer = new PreRollBuffer(3);
        for (short i = 1; i <= 5; i++) buffer.Add(new[] { i });
        Assert.Equal(3, buffer.Count);
        Assert.Equal(new short[] { 3, 4, 5 }, buffer.Drain().Select(f => f[0]));
        Assert.Equal(0, buffer.Count);
        buffer.Add(new short[] { 9 });
        Assert.Equal(new short[] { 9 }, buffer.Drain().Select(f => f[0]));
    }

    [Fact]
    public void Frames_are_copied()
    {
        var buffer = new PreRollBuffer(2);
        var frame = new short[] { 1 };
        buffer.Add(frame);
        frame[0] = 2;
        Assert.Equal(1, buffer.Drain()[0][0]);
    }
}
