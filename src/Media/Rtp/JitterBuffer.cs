namespace Orchestrator.Media.Rtp;

/// <summary>
/// Reorders one stream's RTP packets by extended sequence number. Pure logic driven by the caller's
/// clock (milliseconds), so it can be tested without timers. Not thread-safe: one per stream, used
/// from one thread.
/// </summary>
public sealed class JitterBuffer(JitterBufferOptions options)
{
    private readonly SortedList<long, (RtpPacket Packet, long ArrivalMs)> _packets = new();
    private readonly SequenceUnwrapper _unwrapper = new();
    private long _lastReleased = -1;
    private int _consecutiveLate;

    public JitterBuffer() : this(new JitterBufferOptions()) { }

    public JitterBufferOptions Options { get; } = options;

    public int Count => _packets.Count;
    public long Duplicates { get; private set; }
    public long Late { get; private set; }
    public long Lost { get; private set; }
    public long Overflows { get; private set; }
    public long Resyncs { get; private set; }

    /// <summary>Adds a packet; returns false when it was dropped as a duplicate or as too late.</summary>
    public bool Add(RtpPacket packet, long nowMs)
    {
        long extended = _unwrapper.Unwrap(packet.SequenceNumber);
        if (_lastReleased >= 0 && extended <= _lastReleased)
        {
            Late++;
            // A run of "late" packets longer than the buffer means the sender jumped its sequence
            // backwards (a restart); start over rather than dropping the stream for good.
            if (++_consecutiveLate <= Options.MaxPackets) return false;
            Resync();
            extended = _unwrapper.Unwrap(packet.SequenceNumber);
        }
        _consecutiveLate = 0;
        if (!_packets.TryAdd(extended, (packet, nowMs)))
        {
            Duplicates++;
            return false;
        }
        return true;
    }

    /// <summary>
    /// Returns the next packet to play if one is due: in order, or past a gap that waited
    /// <see cref="JitterBufferOptions.MaxDelayMs"/>, or because the buffer is over its bound.
    /// </summary>
    public bool TryTake(long nowMs, out RtpPacket packet)
    {
        packet = null!;
        if (_packets.Count == 0) return false;
        long head = _packets.Keys[0];
        var (candidate, arrival) = _packets.Values[0];
        bool inOrder = _lastReleased >= 0 && head == _lastReleased + 1;
        bool overflow = _packets.Count > Options.MaxPackets;
        bool waitedEnough = nowMs - arrival >= Options.MaxDelayMs;
        if (!inOrder && !overflow && !waitedEnough) return false;

        if (overflow && !inOrder && !waitedEnough) Overflows++;
        if (_lastReleased >= 0 && head > _lastReleased + 1) Lost += head - _lastReleased - 1;
        _packets.RemoveAt(0);
        _lastReleased = head;
        packet = candidate;
        return true;
    }

    /// <summary>Takes every packet that is due now, in order.</summary>
    public List<RtpPacket> TakeReady(long nowMs)
    {
        var ready = new List<RtpPacket>();
        while (TryTake(nowMs, out var packet)) ready.Add(packet);
        return ready;
    }

    public void Reset()
    {
        _packets.Clear();
        _unwrapper.Reset();
        _lastReleased = -1;
        _consecutiveLate = 0;
    }

    private void Resync()
    {
        Resyncs++;
        Reset();
    }
}
