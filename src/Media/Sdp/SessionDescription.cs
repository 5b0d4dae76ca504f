namespace Orchestrator.Media.Sdp;

/// <summary>
/// An SDP session description (RFC 8866) with the session-level attributes WebRTC uses. Parse with
/// <see cref="SdpParser"/>, write with <see cref="ToString"/> (CRLF line ends, canonical order).
/// </summary>
public sealed class SessionDescription
{
    public int Version { get; set; }
    public SdpOrigin Origin { get; set; } = new("-", 0, 0, "IN", "IP4", "127.0.0.1");
    public string SessionName { get; set; } = "-";
    public SdpConnection? Connection { get; set; }
    public List<string> Bandwidths { get; set; } = [];
    public SdpTiming Timing { get; set; } = new(0, 0);
    public List<SdpGroup> Groups { get; set; } = [];
    public bool IceLite { get; set; }
    public string? IceUfrag { get; set; }
    public string? IcePwd { get; set; }
    public SdpFingerprint? Fingerprint { get; set; }
    public SdpSetup? Setup { get; set; }

    /// <summary>The value after <c>msid-semantic:</c>, e.g. " WMS" or " WMS stream".</summary>
    public string? MsidSemantic { get; set; }

    public List<SdpAttribute> Attributes { get; set; } = [];
    public List<MediaDescription> Media { get; set; } = [];

    public static SessionDescription Parse(string text) => SdpParser.Parse(text);

    public static bool TryParse(string text, out SessionDescription description, out string error) =>
        SdpParser.TryParse(text, out description, out error);

    public override string ToString() => SdpWriter.Write(this);
}
