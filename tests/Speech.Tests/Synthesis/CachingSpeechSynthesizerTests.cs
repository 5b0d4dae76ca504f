using System.Runtime.CompilerServices;
using Orchestrator.Speech.Synthesis;

namespace Orchestrator.Speech.Tests.Synthesis;

public sealed class CachingSpeechSynthesizerTests
{
    /// <summary>An engine that counts its syntheses and speaks each text as its characters' codes, in two chunks.</summary>
    private sealed class CountingEngine : ISpeechSynthesizer
    {
        public int Calls;

        public async IAsyncEnumerable<short[]> SynthesizeAsync(string text, VoiceOptions? options = null,
            [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Calls);
            var samples = text.Select(c => (short)c).ToArray();
            await Task.Yield();
            yield return samples[..(samples.Length / 2)];
            cancellationToken.ThrowIfCancellationRequested();
            yield return samples[(samples.Length / 2)..];
        }
    }

    private static async Task<short[]> SpeakAsync(ISpeechSynthesizer synthesizer, string text, VoiceOptions? voice = null)
    {
        var all = new List<short>();
        await foreach (var chunk in synthesizer.SynthesizeAsync(text, voice)) all.AddRange(chunk);
        return [.. all];
    }

    [Fact]
    public async Task The_same_text_and_voice_is_synthesised_once_and_played_the_same_each_time()
    {
        var engine = new CountingEngine();
        var cache = new CachingSpeechSynthesizer(engine, 1 << 20);

        var first = await SpeakAsync(cache, "Hello Ada");
        var again = await SpeakAsync(cache, "Hello Ada");
        again[0] = 0; // what one call does to its copy does not reach the next
        var third = await SpeakAsync(cache, "Hello Ada");

        Assert.Equal("Hello Ada".Select(c => (short)c), first);
        Assert.Equal(first, third);
        Assert.Equal(1, engine.Calls);
        Assert.Equal(2, cache.Hits);
        await SpeakAsync(cache, "Hello Ada", new VoiceOptions { Voice = "en-gb" });
        await SpeakAsync(cache, "Hello Bob");
        Assert.Equal(3, engine.Calls); // another voice or another text is another synthesis
    }

    [Fact]
    public async Task A_synthesis_cut_short_is_not_kept_and_the_oldest_entries_make_room()
    {
        var engine = new CountingEngine();
        var cache = new CachingSpeechSynthesizer(engine, 400); // 200 samples; one entry may take a quarter

        using var cancel = new CancellationTokenSource();
        await foreach (var _ in cache.SynthesizeAsync("cut short", null, cancel.Token))
        {
            cancel.Cancel();
            break;
        }
        await SpeakAsync(cache, "cut short");
        Assert.Equal(2, engine.Calls);

        var texts = Enumerable.Range(1, 5).Select(i => new string((char)('a' + i), 45)).ToList(); // 90 bytes each
        foreach (var text in texts) await SpeakAsync(cache, text);
        Assert.True(cache.CachedBytes <= 400, $"{cache.CachedBytes} bytes cached");
        var before = engine.Calls;
        await SpeakAsync(cache, texts[^1]); // the newest is still there
        Assert.Equal(before, engine.Calls);
        await SpeakAsync(cache, "cut short"); // the oldest went
        Assert.Equal(before + 1, engine.Calls);
    }
}
