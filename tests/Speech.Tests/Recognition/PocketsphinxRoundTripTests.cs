using System.Diagnostics;
using Orchestrator.Speech.Recognition;
using Orchestrator.Speech.Tests.Support;
using Xunit.Abstractions;

namespace Orchestrator.Speech.Tests.Recognition;

/// <summary>espeak-ng speaks, pocketsphinx listens, 20 ms at a time, as on a call.</summary>
[Collection(PocketsphinxCollection.Name)]
public sealed class PocketsphinxRoundTripTests(PocketsphinxFixture fixture, ITestOutputHelper output)
{
    // espeak-ng's en-us+f2 variant is the one the stock en-us model hears best; a microphone is never
    // digitally silent, so the padding and the speech sit on a −60 dBFS noise bed.
    private static short[] Padded(string text)
    {
        var speech = Signals.Concat(Signals.Silence(300), NativeTools.Say(text, "en-us+f2"), Signals.Silence(300));
        return Signals.Mix(speech, Signals.Noise(speech.Length * 1000 / 16000 + 1, -60, seed: 7));
    }

    private async Task<(RecognitionResult Final, List<RecognitionResult> Partials)> Utterance(IRecognitionStream stream, string text)
    {
        var pcm = Padded(text);
        var partials = new List<RecognitionResult>();
        EventHandler<RecognitionResult> onPartial = (_, r) => partials.Add(r);
        stream.PartialResult += onPartial;
        var watch = Stopwatch.StartNew();
        foreach (var frame in Signals.Frames(pcm)) stream.Push(frame);
        var final = await stream.EndOfUtteranceAsync();
        stream.PartialResult -= onPartial;
        output.WriteLine($"'{text}' → '{final.Text}'; {partials.Count} partials; real-time factor {watch.Elapsed.TotalSeconds / (pcm.Length / 16000.0):F3}");
        return (final, partials);
    }

    [NativeFact(Native.Espeak | Native.Pocketsphinx)]
    public async Task A_conversation_of_espeak_utterances_is_recognised_turn_by_turn()
    {
        NativeTools.Require(Native.Espeak | Native.Pocketsphinx);
        using var stream = fixture.Recognizer.CreateStream();
        output.WriteLine($"decoder load {fixture.Recognizer.LastLoadTime.TotalMilliseconds:F0} ms");

        // Live cepstral normalisation adapts over the first utterance of a fresh decoder, as on a real
        // call; later turns reuse it. Each turn must still yield its key words.
        (string Text, string[] Keywords)[] turns =
        [
            ("cancel my order please", ["order", "please"]),
            ("book a table for two people", ["table", "two", "people"]),
            ("what time is it", ["time"]),
        ];
        foreach (var (text, keywords) in turns)
        {
            var (final, partials) = await Utterance(stream, text);
            Assert.True(final.IsFinal);
            Assert.All(partials, p => Assert.False(p.IsFinal));
            var words = final.Text.Split(' ');
            Assert.All(keywords, k => Assert.Contains(k, words));
        }
    }

    [NativeFact(Native.Espeak | Native.Pocketsphinx)]
    public async Task Partial_hypotheses_arrive_before_the_final_one_and_grow()
    {
        NativeTools.Require(Native.Espeak | Native.Pocketsphinx);
        using var stream = fixture.Recognizer.CreateStream();
        var (final, partials) = await Utterance(stream, "book a table for two people");
        Assert.NotEmpty(partials);
        Assert.True(partials[^1].AudioDuration <= final.AudioDuration);
        Assert.True(partials[0].AudioDuration < partials[^1].AudioDuration);
        Assert.NotEqual("", final.Text);
    }

    [NativeFact(Native.Pocketsphinx)]
    public async Task Ending_an_utterance_that_never_started_gives_an_empty_final()
    {
        NativeTools.Require(Native.Pocketsphinx);
        using var stream = fixture.Recognizer.CreateStream();
        var final = await stream.EndOfUtteranceAsync();
        Assert.Equal(new RecognitionResult("", true, TimeSpan.Zero), final);
    }

    [NativeFact(Native.Pocketsphinx)]
    public void A_disposed_stream_refuses_audio_and_its_decoder_goes_back_to_the_pool()
    {
        NativeTools.Require(Native.Pocketsphinx);
        var recognizer = fixture.Recognizer;
        var stream = recognizer.CreateStream();
        stream.Push(new short[320]);
        int before = recognizer.PooledDecoders;
        stream.Dispose();
        Assert.Equal(before + 1, recognizer.PooledDecoders);
        Assert.Throws<ObjectDisposedException>(() => stream.Push(new short[320]));
    }

    [NativeFact(Native.Espeak | Native.Pocketsphinx)]
    public async Task Streams_on_different_threads_decode_independently()
    {
        NativeTools.Require(Native.Espeak | Native.Pocketsphinx);
        // Without dither, decoding is deterministic: fresh decoders fed the same audio on parallel
        // threads must agree exactly; shared native state would show up as a difference.
        using var recognizer = new Orchestrator.Speech.Recognition.Pocketsphinx.PocketsphinxRecognizer(new() { Dither = false });
        var pcm = Padded("cancel my order please");
        var streams = Enumerable.Range(0, 3).Select(_ => recognizer.CreateStream()).ToList(); // all fresh: none pooled yet
        var texts = await Task.WhenAll(streams.Select(stream => Task.Run(async () =>
        {
            using (stream)
            {
                foreach (var frame in Signals.Frames(pcm)) stream.Push(frame);
                return (await stream.EndOfUtteranceAsync()).Text;
            }
        })));
        output.WriteLine($"parallel [{string.Join(" | ", texts)}]");
        Assert.NotEqual("", texts[0]);
        Assert.All(texts, text => Assert.Equal(texts[0], text));
    }
}
