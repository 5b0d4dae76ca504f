namespace Orchestrator.Media.Rtp;

/// <summary>
/// Per-source reception statistics for RTCP receiver report blocks (RFC 3550 §6.4.1, A.3, A.8):
/// cumulative and interval loss, extended highest sequence, interarrival jitter, and the LSR/DLSR
/// echo of the sender's last report. Time is the caller's monotonic clock in milliseconds.
/// Not thread-safe.
/// </summary>
public sealed class RtpReceiveStatistics(uint ssrc, int clockRate)
{
    private readonly SequenceUnwrapper _unwrapper = new();
    private long _baseSequence = -1;
    private long _expectedPrior;
    private long _receivedPrior;
    private double _lastTransit = double.NaN;
    private double _jitter;
    private uint _lastSenderReport;
    private double _lastSenderReportArrivalMs = double.NaN;

    public uint Ssrc { get; } = ssrc;
    public int ClockRate { get; } = clockRate;
    public long Received { get; private set; }
    public long ExtendedHighest => _unwrapper.Highest;

    /// <summary>Interarrival jitter in RTP timestamp units.</summary>
    public double Jitter => _jitter;

    public long Expected => _baseSequence < 0 ? 0 : ExtendedHighest - _baseSequence + 1;

    public long CumulativeLost => Expected - Received;

    public void OnPacket(ushort sequence, uint timestamp, double arrivalMs)
    {
        long extended = _unwrapper.Unwrap(sequence);
        if (_baseSequence < 0 || extended < _baseSequence) _baseSequence = extended;
        Received++;
        // A.8: transit time in RTP units; its variation, smoothed by 1/16, is the jitter.
        double transit = arrivalMs * ClockRate / 1000.0 - timestamp;
        if (!double.IsNaN(_lastTransit))
        {
            double d = Math.Abs(transit - _lastTransit);
            // Timestamps wrap at 2^32; a jump that large is a wrap, not jitter.
            if (d < uint.MaxValue / 2.0) _jitter += (d - _jitter) / 16;
        }
        _lastTransit = transit;
    }

    public void OnPacket(RtpPacket packet, double arrivalMs) => OnPacket(packet.SequenceNumber, packet.Timestamp, arrivalMs);

    public void OnSenderReport(RtcpSenderReport report, double arrivalMs)
    {
        _lastSenderReport = report.CompactNtp;
        _lastSenderReportArrivalMs = arrivalMs;
    }

    /// <summary>Builds the report block and starts a new loss interval.</summary>
    public RtcpReportBlock CreateReportBlock(double nowMs)
    {
        long expected = Expected;
        long expectedInterval = expected - _expectedPrior;
        long receivedInterval = Received - _receivedPrior;
        _expectedPrior = expected;
        _receivedPrior = Received;
        long lostInterval = expectedInterval - receivedInterval;
        byte fraction = expectedInterval == 0 || lostInterval <= 0 ? (byte)0 : (byte)Math.Min(255, (lostInterval << 8) / expectedInterval);
        uint dlsr = double.IsNaN(_lastSenderReportArrivalMs) ? 0 : (uint)((nowMs - _lastSenderReportArrivalMs) * 65536 / 1000);
        return new RtcpReportBlock(
            Ssrc,
            fraction,
            (int)Math.Clamp(CumulativeLost, RtcpReportBlock.MinCumulativeLost, RtcpReportBlock.MaxCumulativeLost),
            // RFC 3550 counts cycles from zero at the first packet; the unwrapper starts at cycle 1.
            (uint)Math.Max(ExtendedHighest - SequenceUnwrapper.FirstCycleOffset, 0),
            (uint)_jitter,
            _lastSenderReport,
            dlsr);
    }
}
