using System.Globalization;
using System.Text;

namespace Orchestrator.Media.Sdp;

/// <summary>Writes a <see cref="SessionDescription"/> in a fixed attribute order with CRLF line ends.</summary>
public static class SdpWriter
{
    public static string Write(SessionDescription d)
    {
        var sb = new StringBuilder();
        Line(sb, 'v', d.Version.ToString(CultureInfo.InvariantCulture));
        Line(sb, 'o', d.Origin.ToString());
        Line(sb, 's', d.SessionName);
        if (d.Connection is not null) Line(sb, 'c', d.Connection.ToString());
        foreach (var b in d.Bandwidths) Line(sb, 'b', b);
        Line(sb, 't', d.Timing.ToString());
        foreach (var group in d.Groups) Attribute(sb, "group", group.ToString());
        if (d.IceLite) Attribute(sb, "ice-lite");
        if (d.IceUfrag is not null) Attribute(sb, "ice-ufrag", d.IceUfrag);
        if (d.IcePwd is not null) Attribute(sb, "ice-pwd", d.IcePwd);
        if (d.Fingerprint is not null) Attribute(sb, "fingerprint", d.Fingerprint.ToString());
        if (d.Setup is not null) Attribute(sb, "setup", SdpNames.Write(d.Setup.Value));
        if (d.MsidSemantic is not null) Attribute(sb, "msid-semantic", d.MsidSemantic);
        foreach (var a in d.Attributes) Line(sb, 'a', a.ToString());
        foreach (var m in d.Media) WriteMedia(sb, m);
        return sb.ToString();
    }

    private static void WriteMedia(StringBuilder sb, MediaDescription m)
    {
        var port = m.PortCount is null ? m.Port.ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{m.Port}/{m.PortCount}");
        Line(sb, 'm', string.Join(' ', new[] { m.Media, port, m.Protocol }.Concat(m.Formats)));
        if (m.Connection is not null) Line(sb, 'c', m.Connection.ToString());
        foreach (var b in m.Bandwidths) Line(sb, 'b', b);
        if (m.IceUfrag is not null) Attribute(sb, "ice-ufrag", m.IceUfrag);
        if (m.IcePwd is not null) Attribute(sb, "ice-pwd", m.IcePwd);
        if (m.Fingerprint is not null) Attribute(sb, "fingerprint", m.Fingerprint.ToString());
        if (m.Setup is not null) Attribute(sb, "setup", SdpNames.Write(m.Setup.Value));
        if (m.Mid is not null) Attribute(sb, "mid", m.Mid);
        if (m.Direction is not null) Attribute(sb, SdpNames.Write(m.Direction.Value));
        if (m.RtcpMux) Attribute(sb, "rtcp-mux");
        if (m.Msid is not null) Attribute(sb, "msid", m.Msid);
        // Each rtpmap is followed by its fmtp, the way browsers lay them out.
        var writtenFmtps = new HashSet<SdpFmtp>();
        foreach (var rtpmap in m.RtpMaps)
        {
            Attribute(sb, "rtpmap", rtpmap.ToString());
            foreach (var fmtp in m.Fmtps.Where(f => f.PayloadType == rtpmap.PayloadType && writtenFmtps.Add(f)))
                Attribute(sb, "fmtp", fmtp.ToString());
        }
        foreach (var fmtp in m.Fmtps.Where(f => !writtenFmtps.Contains(f))) Attribute(sb, "fmtp", fmtp.ToString());
        if (m.Ptime is not null) Attribute(sb, "ptime", m.Ptime.Value.ToString(CultureInfo.InvariantCulture));
        foreach (var a in m.Attributes) Line(sb, 'a', a.ToString());
        foreach (var ssrc in m.Ssrcs) Attribute(sb, "ssrc", ssrc.ToString());
        foreach (var candidate in m.Candidates) Attribute(sb, "candidate", candidate.ToString());
        if (m.EndOfCandidates) Attribute(sb, "end-of-candidates");
    }

    private static void Line(StringBuilder sb, char type, string value) => sb.Append(type).Append('=').Append(value).Append("\r\n");

    private static void Attribute(StringBuilder sb, string name, string? value = null)
    {
        sb.Append("a=").Append(name);
        if (value is not null) sb.Append(':').Append(value);
        sb.Append("\r\n");
    }
}
