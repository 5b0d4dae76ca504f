using Orchestrator.Media.Ice;

namespace Orchestrator.Media.Sdp;

/// <summary>One <c>m=</c> section with the attributes WebRTC and SIP audio use; the rest kept verbatim.</summary>
public sealed class MediaDescription
{
    public string Media { get; set; } = "audio";
    public int Port { get; set; }
    public int? PortCount { get; set; }
    public string Protocol { get; set; } = "RTP/AVP";
    public List<string> Formats { get; set; } = [];
    public SdpConnection? Connection { get; set; }
    public List<string> Bandwidths { get; set; } = [];

    public string? IceUfrag { get; set; }
    public string? IcePwd { get; set; }
    public List<IceCandidate> Candidates { get; set; } = [];
    public bool EndOfCandidates { get; set; }
    public SdpFingerprint? Fingerprint { get; set; }
    public SdpSetup? Setup { get; set; }
    public string? Mid { get; set; }
    public MediaDirection? Direction { get; set; }
    public bool RtcpMux { get; set; }
    public string? Msid { get; set; }
    public List<SdpRtpMap> RtpMaps { get; set; } = [];
    public List<SdpFmtp> Fmtps { get; set; } = [];
    public int? Ptime { get; set; }
    public List<SdpSsrc> Ssrcs { get; set; } = [];
    public List<SdpAttribute> Attributes { get; set; } = [];

    /// <summary>The rtpmap for a payload type, or the RFC 3551 static mapping for 0 and 8.</summary>
    public SdpRtpMap? GetRtpMap(int payloadType) =>
        RtpMaps.FirstOrDefault(r => r.PayloadType == payloadType) ?? payloadType switch
        {
            0 => new SdpRtpMap(0, "PCMU", 8000),
            8 => new SdpRtpMap(8, "PCMA", 8000),
            _ => null,
        };

    public string? GetFmtp(int payloadType) => Fmtps.FirstOrDefault(f => f.PayloadType == payloadType)?.Parameters;

    public IEnumerable<SdpAttribute> GetAttributes(string name) => Attributes.Where(a => a.Name == name);
}
