using System.Runtime.CompilerServices;

namespace Orchestrator.Speech.Synthesis;

/// <summary>
/// Keeps the audio of recent syntheses, keyed by engine, text and voice: a campaign's greeting is the
/// same sentence for thousands of calls, and synthesising it each time costs an espeak-ng process (or
/// a paid request) per call. Several engines share one <see cref="SynthesisCache"/> (one memory
/// budget for the node), each under its own <paramref name="engine"/> key. A miss streams from the
/// engine as it produces and is kept only when it ran to its end.
/// </summary>
public sealed class CachingSpeechSynthesizer(ISpeechSynthesizer inner, SynthesisCache cache, string engine) : ISpeechSynthesizer
{
    private static readonly VoiceOptions Defaults = new();

    /// <summary>An engine with a cache of its own.</summary>
    public CachingSpeechSynthesizer(ISpeechSynthesizer inner, long maxBytes) : this(inner, new SynthesisCache(maxBytes), "") { }

    public long CachedBytes => cache.CachedBytes;
    public int Hits => cache.Hits;

    /// <summary>What the engine's audio is filed under in the shared cache.</summary>
    public string Engine => engine;

    public ISpeechSynthesizer Inner => inner;

    public async IAsyncEnumerable<short[]> SynthesizeAsync(string text, VoiceOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var key = new SynthesisCache.Key(engine, text, options ?? Defaults);
        if (cache.Find(key) is { } cached)
        {
            // Copies: a consumer may scale or overwrite what it plays, and the cached audio is shared.
            foreach (var chunk in cached) yield return (short[])chunk.Clone();
            yield break;
        }

        var maxBytes = cache.MaxBytes;
        var produced = new List<short[]>();
        long bytes = 0;
        await foreach (var chunk in inner.SynthesizeAsync(text, options, cancellationToken).ConfigureAwait(false))
        {
            if (bytes <= maxBytes)
            {
                produced.Add((short[])chunk.Clone());
                bytes += chunk.Length * sizeof(short);
            }
            yield return chunk;
        }
        if (bytes > 0 && bytes <= maxBytes / 4) cache.Add(key, [.. produced], bytes); // one entry never fills the cache
    }
}
