namespace Orchestrator.Media.Rtp;

/// <summary>
/// A call's media quality at one moment: our view of the peer's stream and, from its RTCP reports,
/// the peer's view of ours. The peer's side is null until its first report about our stream arrives.
/// </summary>
/// <param name="PacketsSent">RTP packets we sent (audio, silence and RFC 4733 events).</param>
/// <param name="PacketsReceived">RTP packets received from the peer.</param>
/// <param name="PacketsLost">Of the peer's current stream: expected minus received (duplicates can make it negative).</param>
/// <param name="JitterMs">Interarrival jitter of the peer's stream as we measure it (RFC 3550 §6.4.1).</param>
/// <param name="RemotePacketsLost">The peer's cumulative count of our packets lost.</param>
/// <param name="RemoteFractionLost">The share (0..1) of our packets lost in the peer's last report interval.</param>
/// <param name="RemoteJitterMs">Jitter of our stream as the peer measures it.</param>
/// <param name="RoundTripMs">From the peer's LSR/DLSR echo of our last sender report (RFC 3550 §6.4.1).</param>
/// <param name="RtcpReportsReceived">Valid RTCP compound packets (beginning with SR or RR) received.</param>
/// <param name="RtcpReportsSent">RTCP compound packets sent, the final BYE included.</param>
public sealed record RtpCallStatistics(
    long PacketsSent,
    long PacketsReceived,
    long PacketsLost,
    double JitterMs,
    long? RemotePacketsLost,
    double? RemoteFractionLost,
    double? RemoteJitterMs,
    double? RoundTripMs,
    long RtcpReportsReceived,
    long RtcpReportsSent);
