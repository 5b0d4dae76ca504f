using Orchestrator.Speech.Recognition;
using Orchestrator.Speech.Recognition.Pocketsphinx;
using Orchestrator.Speech.Tests.Support;
using Xunit.Abstractions;

namespace Orchestrator.Speech.Tests.Recognition;

/// <summary>
/// The node's crash (issue 12): decoders created, used and freed on many threads at once. Each thread
/// loads its own decoder every round, so model loading, decoding and freeing overlap across threads.
/// The decoders use the stock acoustic model with a small dictionary and a word-loop grammar: the
/// same native loading path (acoustic model, dictionary, dict2pid), at a fraction of the full
/// language model's load time and memory (about 100 MB per decoder), so 96 loads fit in CI.
/// </summary>
[Collection(PocketsphinxCollection.Name)]
public sealed class PocketsphinxStressTests(ITestOutputHelper output)
{
    private const int Threads = 32;
    private const int Rounds = 3;
    private static readonly string[] Vocabulary =
        ["book", "a", "table", "for", "two", "people", "cancel", "my", "order", "please", "what", "time", "is", "it", "yes", "no"];

    /// <summary>A dictionary of the vocabulary (from the stock one) and a grammar: any sequence of its words.</summary>
    private static PocketsphinxOptions SmallVocabulary(int maxDecoders)
    {
        var dir = Directory.CreateTempSubdirectory("ps-stress-").FullName;
        var stock = new PocketsphinxOptions();
        var entries = File.ReadLines(stock.Dictionary)
            .Where(line => Vocabulary.Contains(line.Split(' ')[0].Split('(')[0]))
            .ToList();
        Assert.Equal(Vocabulary.Length, entries.Select(e => e.Split(' ')[0].Split('(')[0]).Distinct().Count());
        File.WriteAllLines(Path.Combine(dir, "words.dict"), entries);
        File.WriteAllText(Path.Combine(dir, "words.gram"),
            "#JSGF V1.0;\ngrammar words;\npublic <utterance> = <word>+;\n<word> = " + string.Join(" | ", Vocabulary) + ";\n");
        return stock with { Dictionary = Path.Combine(dir, "words.dict"), Grammar = Path.Combine(dir, "words.gram"), MaxDecoders = maxDecoders };
    }

    [Fact] // fails, never skips, without espeak-ng and pocketsphinx
    public void Thirty_two_threads_creating_using_and_disposing_decoders_all_hear_the_words()
    {
        NativeTools.Require(Native.Espeak | Native.Pocketsphinx);
        var speech = Signals.Concat(Signals.Silence(300), NativeTools.Say("book a table for two people", "en-us+f2"), Signals.Silence(300));
        var pcm = Signals.Mix(speech, Signals.Noise(speech.Length * 1000 / 16000 + 1, -60, seed: 7));
        string[] keywords = ["table", "two", "people"];
        var options = SmallVocabulary(maxDecoders: 1);

        var heard = new string?[Rounds, Threads];
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        using var start = new Barrier(Threads);
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            try
            {
                for (int round = 0; round < Rounds; round++)
                {
                    if (round == 0) start.SignalAndWait();
                    // A recognizer of its own: the decoder is loaded now and freed at the end of the round.
                    using var recognizer = new PocketsphinxRecognizer(options);
                    using var stream = recognizer.CreateStream();
                    foreach (var frame in Signals.Frames(pcm)) stream.Push(frame);
                    heard[round, t] = stream.EndOfUtteranceAsync().GetAwaiter().GetResult().Text;
                }
            }
            catch (Exception e) { failures.Enqueue(e); }
        }) { IsBackground = true }).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => Assert.True(t.Join(TimeSpan.FromMinutes(5)), "a decoding thread hung"));

        Assert.Empty(failures);
        var texts = heard.Cast<string?>().ToList();
        output.WriteLine(string.Join(Environment.NewLine, texts.Distinct().Select(x => $"'{x}' × {texts.Count(y => y == x)}")));
        Assert.Equal(Rounds * Threads, texts.Count);
        Assert.All(texts, text => Assert.All(keywords, k => Assert.Contains(k, (text ?? "").Split(' '))));
    }

    [Fact]
    public void A_stream_beyond_the_bound_is_refused_at_once_and_a_returned_decoder_is_reused()
    {
        NativeTools.Require(Native.Pocketsphinx);
        using var recognizer = new PocketsphinxRecognizer(SmallVocabulary(maxDecoders: 2));
        var first = recognizer.CreateStream();
        using var second = recognizer.CreateStream();
        var refused = Assert.Throws<RecognizersExhaustedException>(() => recognizer.CreateStream());
        Assert.Equal(2, refused.Limit);
        Assert.Contains("all 2 speech recognizers of this node are in use", refused.Message);
        Assert.Equal(2, recognizer.StreamsInUse);

        first.Dispose();
        using var third = recognizer.CreateStream(); // the first one's decoder, not a third load
        Assert.Equal(2, recognizer.LoadedDecoders);
        Assert.Equal(2, recognizer.StreamsInUse);
    }

    [Fact]
    public void Prewarming_stops_at_the_bound_and_decoders_of_streams_open_at_disposal_are_freed_when_they_close()
    {
        NativeTools.Require(Native.Pocketsphinx);
        var recognizer = new PocketsphinxRecognizer(SmallVocabulary(maxDecoders: 2));
        recognizer.Prewarm(5);
        Assert.Equal(2, recognizer.PooledDecoders);
        var open = recognizer.CreateStream();
        recognizer.Dispose();
        Assert.Equal(0, recognizer.PooledDecoders);
        Assert.Throws<ObjectDisposedException>(() => recognizer.CreateStream());
        open.Dispose(); // frees its decoder instead of pooling it
        Assert.Equal(0, recognizer.PooledDecoders);
        Assert.Equal(0, recognizer.StreamsInUse);
    }

    [Fact]
    public void Arguments_that_touch_process_wide_state_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new PocketsphinxRecognizer(new PocketsphinxOptions { ExtraArguments = ["-logfn", "/tmp/x"] }));
        Assert.Contains("-logfn", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new PocketsphinxRecognizer(new PocketsphinxOptions { MaxDecoders = 0 }));
    }
}
