using System.Globalization;
using System.Text;

namespace Orchestrator.Media.Ice;

/// <summary>
/// An ICE candidate as carried in SDP (RFC 8839 §5.1), without the "candidate:" prefix.
/// Extension pairs (generation, network-id, ufrag...) are kept in order so a round trip is exact.
/// </summary>
public sealed record IceCandidate(
    string Foundation,
    int Component,
    string Transport,
    uint Priority,
    string Address,
    int Port,
    string Type,
    string? RelatedAddress = null,
    int? RelatedPort = null,
    IReadOnlyList<KeyValuePair<string, string>>? Extensions = null)
{
    /// <summary>RFC 8445 §5.1.2.1 priority: type preference, local preference, component.</summary>
    public static uint ComputePriority(int typePreference, int localPreference, int component) =>
        (uint)((typePreference << 24) + (localPreference << 8) + (256 - component));

    public static IceCandidate Host(string foundation, string address, int port, int component = 1) =>
        new(foundation, component, "udp", ComputePriority(126, 65535, component), address, port, "host");

    public static bool TryParse(string value, out IceCandidate candidate, out string error)
    {
        candidate = null!;
        var text = value.StartsWith("candidate:", StringComparison.Ordinal) ? value["candidate:".Length..] : value;
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 8 || parts[6] != "typ")
        {
            error = $"candidate '{value}' needs: foundation component transport priority address port typ type";
            return false;
        }
        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int component) || component is < 1 or > 256)
        {
            error = $"candidate component '{parts[1]}' is not 1..256";
            return false;
        }
        if (!uint.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out uint priority))
        {
            error = $"candidate priority '{parts[3]}' is not a number";
            return false;
        }
        if (!int.TryParse(parts[5], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535)
        {
            error = $"candidate port '{parts[5]}' is not 0..65535";
            return false;
        }
        string? relatedAddress = null;
        int? relatedPort = null;
        var extensions = new List<KeyValuePair<string, string>>();
        for (int i = 8; i < parts.Length; i += 2)
        {
            if (i + 1 >= parts.Length)
            {
                error = $"candidate extension '{parts[i]}' has no value";
                return false;
            }
            switch (parts[i])
            {
                case "raddr":
                    relatedAddress = parts[i + 1];
                    break;
                case "rport" when int.TryParse(parts[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out int rport) && rport <= 65535:
                    relatedPort = rport;
                    break;
                case "rport":
                    error = $"candidate rport '{parts[i + 1]}' is not 0..65535";
                    return false;
                default:
                    extensions.Add(new(parts[i], parts[i + 1]));
                    break;
            }
        }
        candidate = new IceCandidate(parts[0], component, parts[2], priority, parts[4], port, parts[7], relatedAddress, relatedPort, extensions);
        error = "";
        return true;
    }

    /// <summary>The attribute value, without "candidate:".</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{Foundation} {Component} {Transport} {Priority} {Address} {Port} typ {Type}");
        if (RelatedAddress is not null) sb.Append(" raddr ").Append(RelatedAddress);
        if (RelatedPort is not null) sb.Append(CultureInfo.InvariantCulture, $" rport {RelatedPort}");
        foreach (var (key, val) in Extensions ?? []) sb.Append(' ').Append(key).Append(' ').Append(val);
        return sb.ToString();
    }

    public bool Equals(IceCandidate? other) =>
        other is not null && ToString() == other.ToString();

    public override int GetHashCode() => ToString().GetHashCode();
}
