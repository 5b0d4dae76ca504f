using System.Globalization;

namespace Orchestrator.Media.Sdp;

/// <summary><c>o=</c> (RFC 8866 §5.2).</summary>
public sealed record SdpOrigin(string Username, ulong SessionId, ulong SessionVersion, string NetworkType, string AddressType, string Address)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Username} {SessionId} {SessionVersion} {NetworkType} {AddressType} {Address}");
}

/// <summary><c>c=</c>: network type, address type and address (TTL/count suffixes kept in the address).</summary>
public sealed record SdpConnection(string NetworkType, string AddressType, string Address)
{
    public static SdpConnection For(System.Net.IPAddress address) =>
        new("IN", address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "IP6" : "IP4", address.ToString());

    public override string ToString() => $"{NetworkType} {AddressType} {Address}";
}

/// <summary><c>t=</c> start and stop (NTP seconds; 0 0 for unbounded).</summary>
public sealed record SdpTiming(ulong Start, ulong Stop)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Start} {Stop}");
}

/// <summary><c>a=group:</c> e.g. BUNDLE with its mids (RFC 5888, RFC 9143).</summary>
public sealed record SdpGroup(string Semantics, IReadOnlyList<string> Mids)
{
    public bool Equals(SdpGroup? other) => other is not null && Semantics == other.Semantics && Mids.SequenceEqual(other.Mids);
    public override int GetHashCode() => HashCode.Combine(Semantics, Mids.Count);
    public override string ToString() => Mids.Count == 0 ? Semantics : $"{Semantics} {string.Join(' ', Mids)}";
}

/// <summary><c>a=fingerprint:</c> hash function and colon-separated upper-case hex (RFC 8122).</summary>
public sealed record SdpFingerprint(string Algorithm, string Value)
{
    public static SdpFingerprint Sha256(ReadOnlySpan<byte> certificateDer) =>
        new("sha-256", FormatHex(System.Security.Cryptography.SHA256.HashData(certificateDer)));

    public static string FormatHex(ReadOnlySpan<byte> digest) => string.Join(':', digest.ToArray().Select(b => b.ToString("X2", CultureInfo.InvariantCulture)));

    /// <summary>The digest bytes, or null when the value is not colon-separated hex.</summary>
    public byte[]? TryGetBytes()
    {
        var parts = Value.Split(':');
        var bytes = new byte[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (parts[i].Length != 2 || !byte.TryParse(parts[i], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out bytes[i]))
                return null;
        return bytes;
    }

    /// <summary>Case-insensitive match of algorithm and digest.</summary>
    public bool Matches(SdpFingerprint other) =>
        string.Equals(Algorithm, other.Algorithm, StringComparison.OrdinalIgnoreCase) &&
        string.Equals(Value, other.Value, StringComparison.OrdinalIgnoreCase);

    public override string ToString() => $"{Algorithm} {Value}";
}

/// <summary><c>a=setup:</c> DTLS role negotiation (RFC 4145, RFC 8842).</summary>
public enum SdpSetup { ActPass, Active, Passive, HoldConn }

/// <summary>Media direction attributes.</summary>
public enum MediaDirection { SendRecv, SendOnly, RecvOnly, Inactive }

/// <summary><c>a=rtpmap:</c> payload type, encoding name, clock rate and optional channels.</summary>
public sealed record SdpRtpMap(int PayloadType, string EncodingName, int ClockRate, int? Channels = null)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{PayloadType} {EncodingName}/{ClockRate}{(Channels is null ? "" : "/" + Channels)}");
}

/// <summary><c>a=fmtp:</c> payload type and its parameter string (kept verbatim).</summary>
public sealed record SdpFmtp(int PayloadType, string Parameters)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{PayloadType} {Parameters}");
}

/// <summary><c>a=ssrc:</c> source attribute, e.g. <c>cname:xyz</c> (RFC 5576).</summary>
public sealed record SdpSsrc(uint Ssrc, string Attribute, string? Value)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Ssrc} {Attribute}{(Value is null ? "" : ":" + Value)}");
}

/// <summary>Any attribute not modelled: name and optional value, written back verbatim.</summary>
public sealed record SdpAttribute(string Name, string? Value)
{
    public override string ToString() => Value is null ? Name : $"{Name}:{Value}";
}

internal static class SdpNames
{
    public static string Write(SdpSetup setup) => setup switch
    {
        SdpSetup.ActPass => "actpass",
        SdpSetup.Active => "active",
        SdpSetup.Passive => "passive",
        _ => "holdconn",
    };

    public static SdpSetup? ReadSetup(string value) => value switch
    {
        "actpass" => SdpSetup.ActPass,
        "active" => SdpSetup.Active,
        "passive" => SdpSetup.Passive,
        "holdconn" => SdpSetup.HoldConn,
        _ => null,
    };

    public static string Write(MediaDirection direction) => direction switch
    {
        MediaDirection.SendRecv => "sendrecv",
        MediaDirection.SendOnly => "sendonly",
        MediaDirection.RecvOnly => "recvonly",
        _ => "inactive",
    };

    public static MediaDirection? ReadDirection(string name) => name switch
    {
        "sendrecv" => MediaDirection.SendRecv,
        "sendonly" => MediaDirection.SendOnly,
        "recvonly" => MediaDirection.RecvOnly,
        "inactive" => MediaDirection.Inactive,
        _ => null,
    };
}
