namespace Orchestrator.Messages.Results;

/// <summary>
/// A phone call's RTP as both ends saw it, kept with its result: what we sent and received, what we
/// lost of the peer's stream and its jitter, and, from the peer's RTCP reports (RFC 3550 §6.4), what
/// it lost of ours, its jitter and the round trip. The peer's view is null when it sent no reports.
/// </summary>
public sealed record MediaStatistics
{
    public long PacketsSent { get; init; }
    public long PacketsReceived { get; init; }
    public long PacketsLost { get; init; }
    public double JitterMs { get; init; }
    public long? RemotePacketsLost { get; init; }
    /// <summary>0 to 1, from the peer's latest report.</summary>
    public double? RemoteFractionLost { get; init; }
    public double? RemoteJitterMs { get; init; }
    public double? RoundTripMs { get; init; }
    public long RtcpReportsReceived { get; init; }
    public long RtcpReportsSent { get; init; }
}
