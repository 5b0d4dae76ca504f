namespace Orchestrator.Speech.Synthesis;

/// <summary>
/// The node's one budget of cached synthesis audio, shared by every engine behind a
/// <see cref="CachingSpeechSynthesizer"/>. Entries are keyed by the engine too: the same sentence in
/// espeak-ng and in an OpenAI voice are different audio, and one must never be played for the other.
/// Least recently used first out.
/// </summary>
public sealed class SynthesisCache(long maxBytes)
{
    private sealed record Entry(Key Key, short[][] Chunks, long Bytes);

    internal readonly record struct Key(string Engine, string Text, VoiceOptions Options);

    private readonly Dictionary<Key, LinkedListNode<Entry>> _index = new();
    private readonly LinkedList<Entry> _recency = new();
    private readonly object _lock = new();
    private long _bytes;
    private int _hits;

    public long MaxBytes => maxBytes;

    public long CachedBytes { get { lock (_lock) return _bytes; } }

    public int Hits { get { lock (_lock) return _hits; } }

    internal short[][]? Find(Key key)
    {
        lock (_lock)
        {
            if (!_index.TryGetValue(key, out var node)) return null;
            _recency.Remove(node);
            _recency.AddFirst(node);
            _hits++;
            return node.Value.Chunks;
        }
    }

    internal void Add(Key key, short[][] chunks, long bytes)
    {
        lock (_lock)
        {
            if (_index.ContainsKey(key)) return; // two calls missed at once; the first one kept it
            _index[key] = _recency.AddFirst(new Entry(key, chunks, bytes));
            _bytes += bytes;
            while (_bytes > maxBytes && _recency.Last is { } oldest)
            {
                _recency.RemoveLast();
                _index.Remove(oldest.Value.Key);
                _bytes -= oldest.Value.Bytes;
            }
        }
    }
}
