using System.Globalization;
using Orchestrator.Media.Ice;

namespace Orchestrator.Media.Sdp;

/// <summary>
/// Parses SDP text. Known attributes go to typed properties (with a clear error when malformed),
/// unknown ones are kept verbatim. Informational lines (i=, u=, e=, p=, z=, k=, r=) are skipped.
/// Accepts CRLF or bare LF line ends, as peers in the wild send both.
/// </summary>
public static class SdpParser
{
    public static SessionDescription Parse(string text) =>
        TryParse(text, out var description, out var error) ? description : throw new MediaParseException(error);

    public static bool TryParse(string? text, out SessionDescription description, out string error)
    {
        description = new SessionDescription();
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "SDP is empty";
            return false;
        }
        var lines = text.Split('\n');
        bool sawVersion = false, sawOrigin = false, sawName = false;
        MediaDescription? media = null;
        for (int n = 0; n < lines.Length; n++)
        {
            string line = lines[n].TrimEnd('\r');
            if (line.Length == 0) continue;
            if (line.Length < 2 || line[1] != '=' || line[0] is < 'a' or > 'z')
            {
                error = $"SDP line {n + 1} is not of the form x=value: '{Truncate(line)}'";
                return false;
            }
            char type = line[0];
            string value = line[2..];
            if (!sawVersion)
            {
                if (type != 'v' || value != "0")
                {
                    error = "SDP must start with v=0";
                    return false;
                }
                sawVersion = true;
                continue;
            }
            string? lineError = null;
            switch (type)
            {
                case 'v':
                    lineError = "v= appears twice";
                    break;
                case 'o' when media is null:
                    if (TryParseOrigin(value, out var origin, out lineError)) description.Origin = origin;
                    sawOrigin = true;
                    break;
                case 's' when media is null:
                    description.SessionName = value;
                    sawName = true;
                    break;
                case 't' when media is null:
                    if (TryParseTiming(value, out var timing, out lineError)) description.Timing = timing;
                    break;
                case 'c':
                    if (TryParseConnection(value, out var connection, out lineError))
                    {
                        if (media is null) description.Connection = connection;
                        else media.Connection = connection;
                    }
                    break;
                case 'b':
                    (media?.Bandwidths ?? description.Bandwidths).Add(value);
                    break;
                case 'm':
                    if (TryParseMediaLine(value, out var newMedia, out lineError))
                    {
                        media = newMedia;
                        description.Media.Add(media);
                    }
                    break;
                case 'a':
                    lineError = media is null ? ParseSessionAttribute(description, value) : ParseMediaAttribute(media, value);
                    break;
                case 'o' or 's' or 't':
                    lineError = $"{type}= is only allowed at session level";
                    break;
                default:
                    break; // informational lines are not needed for negotiation
            }
            if (lineError is not null)
            {
                error = $"SDP line {n + 1} ('{Truncate(line)}'): {lineError}";
                return false;
            }
        }
        if (!sawVersion || !sawOrigin || !sawName)
        {
            error = !sawVersion ? "SDP must start with v=0" : !sawOrigin ? "SDP has no o= line" : "SDP has no s= line";
            return false;
        }
        error = "";
        return true;
    }

    private static string Truncate(string line) => line.Length <= 80 ? line : line[..80] + "…";

    private static bool TryParseOrigin(string value, out SdpOrigin origin, out string? error)
    {
        origin = null!;
        var p = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (p.Length != 6)
        {
            error = "o= needs 6 fields: username sess-id sess-version nettype addrtype address";
            return false;
        }
        if (!ulong.TryParse(p[1], NumberStyles.None, CultureInfo.InvariantCulture, out ulong id) ||
            !ulong.TryParse(p[2], NumberStyles.None, CultureInfo.InvariantCulture, out ulong version))
        {
            error = "o= session id and version must be numbers";
            return false;
        }
        origin = new SdpOrigin(p[0], id, version, p[3], p[4], p[5]);
        error = null;
        return true;
    }

    private static bool TryParseTiming(string value, out SdpTiming timing, out string? error)
    {
        timing = null!;
        var p = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (p.Length != 2 || !ulong.TryParse(p[0], NumberStyles.None, CultureInfo.InvariantCulture, out ulong start) ||
            !ulong.TryParse(p[1], NumberStyles.None, CultureInfo.InvariantCulture, out ulong stop))
        {
            error = "t= needs two numbers";
            return false;
        }
        timing = new SdpTiming(start, stop);
        error = null;
        return true;
    }

    private static bool TryParseConnection(string value, out SdpConnection connection, out string? error)
    {
        connection = null!;
        var p = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (p.Length != 3)
        {
            error = "c= needs 3 fields: nettype addrtype address";
            return false;
        }
        connection = new SdpConnection(p[0], p[1], p[2]);
        error = null;
        return true;
    }

    private static bool TryParseMediaLine(string value, out MediaDescription media, out string? error)
    {
        media = null!;
        var p = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (p.Length < 3)
        {
            error = "m= needs media, port and protocol";
            return false;
        }
        var portParts = p[1].Split('/');
        int? count = null;
        if (!int.TryParse(portParts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535 || portParts.Length > 2)
        {
            error = $"m= port '{p[1]}' is not 0..65535";
            return false;
        }
        if (portParts.Length == 2)
        {
            if (!int.TryParse(portParts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int c))
            {
                error = $"m= port count '{portParts[1]}' is not a number";
                return false;
            }
            count = c;
        }
        media = new MediaDescription { Media = p[0], Port = port, PortCount = count, Protocol = p[2], Formats = p[3..].ToList() };
        error = null;
        return true;
    }

    private static (string Name, string? Value) SplitAttribute(string value)
    {
        int colon = value.IndexOf(':');
        return colon < 0 ? (value, null) : (value[..colon], value[(colon + 1)..]);
    }

    private static string? ParseSessionAttribute(SessionDescription description, string text)
    {
        var (name, value) = SplitAttribute(text);
        switch (name)
        {
            case "group" when value is not null:
                var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length == 0) return "group needs semantics";
                description.Groups.Add(new SdpGroup(parts[0], parts[1..]));
                return null;
            case "ice-lite":
                description.IceLite = true;
                return null;
            case "ice-ufrag" when value is not null:
                description.IceUfrag = value;
                return null;
            case "ice-pwd" when value is not null:
                description.IcePwd = value;
                return null;
            case "fingerprint":
                if (!TryParseFingerprint(value, out var fingerprint, out var error)) return error;
                description.Fingerprint = fingerprint;
                return null;
            case "setup":
                description.Setup = SdpNames.ReadSetup(value ?? "");
                return description.Setup is null ? $"unknown setup role '{value}'" : null;
            case "msid-semantic" when value is not null:
                description.MsidSemantic = value;
                return null;
            default:
                description.Attributes.Add(new SdpAttribute(name, value));
                return null;
        }
    }

    private static bool TryParseFingerprint(string? value, out SdpFingerprint fingerprint, out string? error)
    {
        fingerprint = null!;
        var parts = (value ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2)
        {
            error = "fingerprint needs a hash function and a value";
            return false;
        }
        fingerprint = new SdpFingerprint(parts[0], parts[1]);
        error = null;
        return true;
    }

    private static string? ParseMediaAttribute(MediaDescription media, string text)
    {
        var (name, value) = SplitAttribute(text);
        var direction = value is null ? SdpNames.ReadDirection(name) : null;
        if (direction is not null)
        {
            media.Direction = direction;
            return null;
        }
        switch (name)
        {
            case "rtpmap":
                return TryParseRtpMap(value, out var rtpmap, out var rtpmapError) ? Add(media.RtpMaps, rtpmap) : rtpmapError;
            case "fmtp":
            {
                int space = value?.IndexOf(' ') ?? -1;
                if (value is null || space <= 0 || !TryParsePayloadType(value[..space], out int pt))
                    return "fmtp needs a payload type and parameters";
                media.Fmtps.Add(new SdpFmtp(pt, value[(space + 1)..]));
                return null;
            }
            case "ice-ufrag" when value is not null:
                media.IceUfrag = value;
                return null;
            case "ice-pwd" when value is not null:
                media.IcePwd = value;
                return null;
            case "candidate":
                if (!IceCandidate.TryParse(value ?? "", out var candidate, out var candidateError)) return candidateError;
                media.Candidates.Add(candidate);
                return null;
            case "end-of-candidates":
                media.EndOfCandidates = true;
                return null;
            case "fingerprint":
                if (!TryParseFingerprint(value, out var fingerprint, out var error)) return error;
                media.Fingerprint = fingerprint;
                return null;
            case "setup":
                media.Setup = SdpNames.ReadSetup(value ?? "");
                return media.Setup is null ? $"unknown setup role '{value}'" : null;
            case "mid" when value is not null:
                media.Mid = value;
                return null;
            case "rtcp-mux":
                media.RtcpMux = true;
                return null;
            case "msid" when value is not null:
                media.Msid = value;
                return null;
            case "ptime":
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int ptime) || ptime is 0 or > 1000)
                    return $"ptime '{value}' is not 1..1000";
                media.Ptime = ptime;
                return null;
            case "ssrc":
            {
                int space = value?.IndexOf(' ') ?? -1;
                string ssrcText = space < 0 ? value ?? "" : value![..space];
                if (!uint.TryParse(ssrcText, NumberStyles.None, CultureInfo.InvariantCulture, out uint ssrc))
                    return $"ssrc '{ssrcText}' is not a 32-bit number";
                if (space < 0) return "ssrc needs an attribute";
                var (attribute, attributeValue) = SplitAttribute(value![(space + 1)..]);
                media.Ssrcs.Add(new SdpSsrc(ssrc, attribute, attributeValue));
                return null;
            }
            default:
                media.Attributes.Add(new SdpAttribute(name, value));
                return null;
        }
    }

    private static string? Add<T>(List<T> list, T item)
    {
        list.Add(item);
        return null;
    }

    private static bool TryParsePayloadType(string text, out int pt) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out pt) && pt <= 127;

    private static bool TryParseRtpMap(string? value, out SdpRtpMap rtpmap, out string? error)
    {
        rtpmap = null!;
        error = "rtpmap needs 'pt name/clock[/channels]'";
        int space = value?.IndexOf(' ') ?? -1;
        if (value is null || space <= 0 || !TryParsePayloadType(value[..space], out int pt)) return false;
        var parts = value[(space + 1)..].Split('/');
        if (parts.Length is < 2 or > 3 || parts[0].Length == 0) return false;
        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int clock) || clock == 0) return false;
        int? channels = null;
        if (parts.Length == 3)
        {
            if (!int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out int c) || c == 0) return false;
            channels = c;
        }
        rtpmap = new SdpRtpMap(pt, parts[0], clock, channels);
        error = null;
        return true;
    }
}
