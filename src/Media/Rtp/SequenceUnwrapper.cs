namespace Orchestrator.Media.Rtp;

/// <summary>
/// Turns 16-bit RTP sequence numbers into a monotonic 64-bit extended sequence (RFC 3550 A.1 idea):
/// each new number is placed at the candidate closest to the last one seen, so wraps forward and
/// late packets from before a wrap both land correctly.
/// </summary>
public sealed class SequenceUnwrapper
{
    /// <summary>The first number is placed in cycle 1 so that reordered packets from just before it stay positive.</summary>
    public const long FirstCycleOffset = 0x10000;

    private long _last = -1;

    /// <summary>The highest extended sequence number seen so far, or -1 before the first packet.</summary>
    public long Highest { get; private set; } = -1;

    public long Unwrap(ushort sequence)
    {
        if (_last < 0)
        {
            // Start one cycle up so a reordered packet from just before the first one stays positive.
            _last = FirstCycleOffset + sequence;
            Highest = _last;
            return _last;
        }
        long delta = (short)(ushort)(sequence - (ushort)_last);
        long extended = _last + delta;
        if (extended > Highest) Highest = extended;
        // Track the highest so a burst of old packets cannot drag the reference backwards.
        _last = Highest;
        return extended;
    }

    public void Reset()
    {
        _last = -1;
        Highest = -1;
    }
}
