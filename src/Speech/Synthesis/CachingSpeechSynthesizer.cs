using System.Runtime.CompilerServices;

namespace Orchestrator.Speech.Synthesis;

/// <summary>
/// Keeps the audio of recent syntheses, keyed by text and voice: a campaign's greeting is the same
/// sentence for thousands of calls, and synthesising it each time costs an espeak-ng process (or a
/// paid request) per call. Bounded by the audio it holds, least recently used first out. A miss
/// streams from the engine as it produces and is kept only when it ran to its end.
/// </summary>
public sealed class CachingSpeechSynthesizer(ISpeechSynthesizer inner, long maxBytes) : ISpeechSynthesizer
{
    private sealed record Entry((string Text, VoiceOptions Options) Key, short[][] Chunks, long Bytes);

    private static readonly VoiceOptions Defaults = new();
    private readonly Dictionary<(string, VoiceOptions), LinkedListNode<Entry>> _index = new();
    private readonly LinkedList<Entry> _recency = new();
    private readonly object _lock = new();
    private long _bytes;

    public long CachedBytes { get { lock (_lock) return _bytes; } }
    public int Hits { get; private set; }

    public async IAsyncEnumerable<short[]> SynthesizeAsync(string text, VoiceOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var key = (text, options ?? Defaults);
        if (Find(key) is { } cached)
        {
            // Copies: a consumer may scale or overwrite what it plays, and the cached audio is shared.
            foreach (var chunk in cached) yield return (short[])chunk.Clone();
            yield break;
        }

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
        if (bytes > 0 && bytes <= maxBytes / 4) Add(new Entry(key, [.. produced], bytes)); // one entry never fills the cache
    }

    private short[][]? Find((string, VoiceOptions) key)
    {
        lock (_lock)
        {
            if (!_index.TryGetValue(key, out var node)) return null;
            _recency.Remove(node);
            _recency.AddFirst(node);
            Hits++;
            return node.Value.Chunks;
        }
    }

    private void Add(Entry entry)
    {
        lock (_lock)
        {
            if (_index.ContainsKey(entry.Key)) return; // two calls missed at once; the first one kept it
            _index[entry.Key] = _recency.AddFirst(entry);
            _bytes += entry.Bytes;
            while (_bytes > maxBytes && _recency.Last is { } oldest)
            {
                _recency.RemoveLast();
                _index.Remove(oldest.Value.Key);
                _bytes -= oldest.Value.Bytes;
            }
        }
    }
}
