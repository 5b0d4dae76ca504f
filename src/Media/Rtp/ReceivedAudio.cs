namespace Orchestrator.Media.Rtp;

/// <summary>
/// The receive half of one stream: the socket's thread adds packets as they arrive, and the
/// stream's tick releases them through the jitter buffer to one consumer, in order. Releasing is
/// single-file by construction (a second caller while one is releasing returns at once), so even a
/// stray call from another thread can never hand the consumer two frames at the same time or one
/// frame before an earlier one, which is what the VAD and the endpointer downstream rely on.
/// The packet list is reused: no allocation per release.
/// </summary>
public sealed class ReceivedAudio(JitterBufferOptions options)
{
    private readonly object _gate = new();
    private readonly JitterBuffer _jitter = new(options);
    private readonly List<RtpPacket> _ready = [];
    private int _releasing;

    public long Lost
    {
        get { lock (_gate) return _jitter.Lost; }
    }

    public int Buffered
    {
        get { lock (_gate) return _jitter.Count; }
    }

    /// <summary>From the receive thread; false when the jitter buffer dropped it (duplicate or too late).</summary>
    public bool Add(RtpPacket packet, long nowMs)
    {
        lock (_gate) return _jitter.Add(packet, nowMs);
    }

    /// <summary>Hands every packet due at <paramref name="nowMs"/> to <paramref name="consumer"/>, in
    /// playout order, outside the lock; returns how many. Meant for the stream's tick thread.</summary>
    public int Release(long nowMs, Action<RtpPacket> consumer)
    {
        if (Interlocked.CompareExchange(ref _releasing, 1, 0) != 0) return 0;
        try
        {
            lock (_gate)
                while (_jitter.TryTake(nowMs, out var packet)) _ready.Add(packet);
            foreach (var packet in _ready) consumer(packet);
            return _ready.Count;
        }
        finally
        {
            _ready.Clear();
            Volatile.Write(ref _releasing, 0);
        }
    }

    public void Reset()
    {
        lock (_gate) _jitter.Reset();
    }
}
