using Orchestrator.Speech.Tests.Support;
using Orchestrator.Speech.Vad;

namespace Orchestrator.Speech.Tests.Vad;

[Collection(PocketsphinxCollection.Name)]
public sealed class EndpointerTests
{
    private static readonly TimeSpan Tolerance = TimeSpan.FromMilliseconds(100);

    private static List<EndpointEvent> Run(short[] pcm, EndpointerOptions? options = null)
    {
        var endpointer = new Endpointer(options);
        var events = new List<EndpointEvent>();
        foreach (var frame in Signals.Frames(pcm))
            if (endpointer.Process(frame) is { } e) events.Add(e);
        return events;
    }

    private static void Near(TimeSpan expected, TimeSpan actual) =>
        Assert.InRange(actual, expected - Tolerance, expected + Tolerance);

    [Fact]
    public void Silence_and_steady_noise_never_start_speech()
    {
        Assert.Empty(Run(Signals.Silence(3000)));
        Assert.Empty(Run(Signals.Noise(5000, -35, seed: 1)));
    }

    [Fact]
    public void A_tone_burst_in_noise_is_found_within_100ms_and_ends_after_the_configured_silence()
    {
        var pcm = Signals.Mix(Signals.Concat(Signals.Silence(1000), Signals.Tone(800, 440, -18), Signals.Silence(1500)), Signals.Noise(3300, -45, seed: 2));
        var events = Run(pcm);

        Assert.Collection(events,
            e => Near(TimeSpan.FromMilliseconds(1000), Assert.IsType<EndpointEvent.SpeechStarted>(e).Time),
            e =>
            {
                var ended = Assert.IsType<EndpointEvent.SpeechEnded>(e);
                Near(TimeSpan.FromMilliseconds(1800), ended.Time);
                Near(TimeSpan.FromMilliseconds(800), ended.SpeechDuration);
            });
    }

    [Fact]
    public void The_end_is_reported_only_after_the_end_silence_has_passed()
    {
        var options = new EndpointerOptions { EndSilence = TimeSpan.FromMilliseconds(600) };
        var endpointer = new Endpointer(options);
        var pcm = Signals.Concat(Signals.Silence(200), Signals.Tone(500, 300, -20), Signals.Silence(2000));
        long reportedAtFrame = -1;
        foreach (var (frame, i) in Signals.Frames(pcm).Select((f, i) => (f, i)))
            if (endpointer.Process(frame) is EndpointEvent.SpeechEnded) reportedAtFrame = i;
        Near(TimeSpan.FromMilliseconds(700 + 600), TimeSpan.FromMilliseconds(reportedAtFrame * 20));
    }

    [Fact]
    public void Clicks_shorter_than_the_minimum_speech_are_ignored()
    {
        var click = Signals.Tone(40, 2000, -6);
        var pcm = Signals.Concat(Signals.Silence(500), click, Signals.Silence(500), click, Signals.Silence(500));
        Assert.Empty(Run(pcm));
    }

    [Fact]
    public void Pauses_shorter_than_the_end_silence_keep_one_turn()
    {
        var pcm = Signals.Concat(Signals.Silence(400), Signals.Tone(400, 300, -20), Signals.Silence(400), Signals.Tone(400, 300, -20), Signals.Silence(1200));
        var events = Run(pcm, new EndpointerOptions { EndSilence = TimeSpan.FromMilliseconds(700) });
        Assert.Equal(2, events.Count);
        Near(TimeSpan.FromMilliseconds(1600), events[1].Time);
    }

    [Fact]
    public void The_same_input_gives_the_same_events()
    {
        var pcm = Signals.Mix(Signals.Concat(Signals.Silence(500), Signals.Tone(300, 500, -25), Signals.Silence(1000)), Signals.Noise(1800, -50, seed: 5));
        Assert.Equal(Run(pcm), Run(pcm));
    }

    [Fact]
    public void Frames_of_the_wrong_size_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new Endpointer().Process(new short[160]));
    }

    [NativeFact(Native.Espeak)]
    public void Espeak_speech_padded_with_silence_is_bounded_within_100ms()
    {
        NativeTools.Require(Native.Espeak);
        var speech = NativeTools.Say("book a table for two people. at seven thirty");
        var (first, last) = Signals.ActiveBounds(speech);
        var pcm = Signals.Mix(Signals.Concat(Signals.Silence(1000), speech, Signals.Silence(1500)), Signals.Noise(1000 + speech.Length / 16 + 1500, -55, seed: 9));
        var events = Run(pcm);

        Assert.Equal(2, events.Count);
        Near(TimeSpan.FromMilliseconds(1000 + first / 16.0), Assert.IsType<EndpointEvent.SpeechStarted>(events[0]).Time);
        Near(TimeSpan.FromMilliseconds(1000 + last / 16.0), Assert.IsType<EndpointEvent.SpeechEnded>(events[1]).Time);
    }
}
