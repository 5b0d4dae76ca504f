using System.Security.Cryptography;

namespace Orchestrator.Media.Rtp;

/// <summary>
/// The RTCP side of one plain RTP call (RFC 3550 §6): keeps reception statistics of the peer's
/// stream, builds our compound reports (SR or RR, one report block, SDES CNAME, BYE at the end) and
/// reads the peer's, keeping what it says about our stream and the round trip. Owns no socket and
/// no clock: the caller passes the times in, so it is testable on its own. Not thread-safe.
/// </summary>
public sealed class RtcpReporter
{
    private readonly int _clockRate;
    private RtpReceiveStatistics? _peer;
    private uint? _lastReportSsrc;
    private long _lastReportPackets;
    private RtcpReportBlock? _aboutUs;
    private double? _roundTripMs;

    /// <param name="clockRate">The RTP clock of both streams, to turn jitter into milliseconds.</param>
    /// <param name="cname">Defaults to a random per-call identifier (RFC 7022), which says nothing about the host.</param>
    public RtcpReporter(int clockRate = 8000, string? cname = null)
    {
        if (clockRate <= 0) throw new ArgumentOutOfRangeException(nameof(clockRate));
        _clockRate = clockRate;
        Cname = cname ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(12));
    }

    public string Cname { get; }

    /// <summary>The SSRC of the peer stream being reported on, once one is heard.</summary>
    public uint? RemoteSsrc => _peer?.Ssrc;

    public long ReportsReceived { get; private set; }

    /// <summary>
    /// One RTP packet from the peer. A new SSRC replaces the old one's statistics: a plain SIP
    /// call carries one audio stream, which a codec change restarts under a new SSRC.
    /// </summary>
    public void OnRtp(uint ssrc, ushort sequence, uint timestamp, double arrivalMs)
    {
        if (_peer is null || _peer.Ssrc != ssrc) _peer = new RtpReceiveStatistics(ssrc, _clockRate);
        _peer.OnPacket(sequence, timestamp, arrivalMs);
    }

    /// <summary>
    /// Reads one RTCP compound from the peer. Returns false, changing nothing, unless it parses and
    /// begins with SR or RR (RFC 3550 §6.1, A.2), so stray or hostile bytes cannot count as a report.
    /// </summary>
    /// <param name="localSsrc">Our stream's SSRC, whose report blocks are kept; null before we have one.</param>
    public bool OnRtcp(ReadOnlySpan<byte> data, uint? localSsrc, DateTimeOffset wallClock, double arrivalMs)
    {
        if (!RtcpCompoundPacket.TryParse(data, out var packets, out _)) return false;
        if (packets.Count == 0 || packets[0] is not (RtcpSenderReport or RtcpReceiverReport)) return false;
        ReportsReceived++;
        foreach (var packet in packets)
        {
            var blocks = packet switch
            {
                RtcpSenderReport sr => OnSenderReport(sr, arrivalMs),
                RtcpReceiverReport rr => rr.Reports,
                _ => [],
            };
            foreach (var block in blocks)
                if (block.Ssrc == localSsrc) OnReportAboutUs(block, wallClock);
        }
        return true;
    }

    private IReadOnlyList<RtcpReportBlock> OnSenderReport(RtcpSenderReport sr, double arrivalMs)
    {
        // An SR may come before the first RTP; its LSR is worth keeping for our first report.
        _peer ??= new RtpReceiveStatistics(sr.Ssrc, _clockRate);
        if (_peer.Ssrc == sr.Ssrc) _peer.OnSenderReport(sr, arrivalMs);
        return sr.Reports;
    }

    private void OnReportAboutUs(RtcpReportBlock block, DateTimeOffset wallClock)
    {
        _aboutUs = block;
        if (block.LastSenderReport == 0) return; // the peer has not had an SR from us yet
        // §6.4.1: RTT = A − LSR − DLSR, all in compact NTP (1/65536 s), modulo 2^32.
        uint arrival = (uint)(RtcpSenderReport.ToNtpTimestamp(wallClock) >> 16);
        int roundTrip = unchecked((int)(arrival - block.LastSenderReport - block.DelaySinceLastSenderReport));
        // Negative means the peer's DLSR or a clock step is off: no measurement rather than a wrong one.
        if (roundTrip >= 0) _roundTripMs = roundTrip * 1000.0 / 65536;
    }

    /// <summary>
    /// Our next compound report: an SR if <paramref name="sender"/> sent RTP since the last report
    /// (RFC 3550 §6.4), else an RR; a report block about the peer's stream once it has been heard;
    /// the CNAME, which every compound carries (§6.1). Starts a new loss interval.
    /// </summary>
    public byte[] CreateReport(RtpPacketizer sender, DateTimeOffset wallClock, double nowMs) =>
        RtcpCompoundPacket.Write(Report(sender, wallClock, nowMs));

    /// <summary>The report with a BYE at its end (§6.6), for when the call's media stops.</summary>
    public byte[] CreateGoodbye(RtpPacketizer sender, DateTimeOffset wallClock, double nowMs, string? reason = null) =>
        RtcpCompoundPacket.Write([.. Report(sender, wallClock, nowMs), new RtcpGoodbye([sender.Ssrc], reason)]);

    private RtcpPacket[] Report(RtpPacketizer sender, DateTimeOffset wallClock, double nowMs)
    {
        IReadOnlyList<RtcpReportBlock> blocks = _peer is { Received: > 0 } peer ? [peer.CreateReportBlock(nowMs)] : [];
        bool sentSinceLastReport = sender.PacketsSent > 0 && (sender.Ssrc != _lastReportSsrc || sender.PacketsSent != _lastReportPackets);
        _lastReportSsrc = sender.Ssrc;
        _lastReportPackets = sender.PacketsSent;
        RtcpPacket first = sentSinceLastReport
            ? sender.CreateSenderReport(wallClock, blocks)
            : new RtcpReceiverReport(sender.Ssrc, blocks);
        return [first, RtcpSourceDescription.ForCName(sender.Ssrc, Cname)];
    }

    public RtpCallStatistics Snapshot(long packetsSent, long packetsReceived, long reportsSent) => new(
        packetsSent,
        packetsReceived,
        _peer?.CumulativeLost ?? 0,
        _peer is null ? 0 : ToMs(_peer.Jitter),
        _aboutUs?.CumulativeLost,
        _aboutUs is { } block ? block.FractionLost / 256.0 : null,
        _aboutUs is { } b ? ToMs(b.Jitter) : null,
        _roundTripMs,
        ReportsReceived,
        reportsSent);

    private double ToMs(double rtpUnits) => rtpUnits * 1000 / _clockRate;
}
