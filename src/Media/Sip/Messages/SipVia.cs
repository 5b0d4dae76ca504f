using System.Globalization;
using System.Text;

namespace Orchestrator.Media.Sip.Messages;

/// <summary>One Via value: <c>SIP/2.0/UDP host:port;branch=z9hG4bK…;rport;received=…</c>.</summary>
public sealed class SipVia
{
    public const string MagicCookie = "z9hG4bK";

    public string Transport { get; set; } = "UDP";
    public string Host { get; set; } = "";
    public int? Port { get; set; }
    public SipParameters Parameters { get; init; } = new();

    public string? Branch
    {
        get => Parameters.Get("branch");
        set => Parameters.Set("branch", value);
    }

    public string? Received => Parameters.Get("received");

    /// <summary>The rport value the server filled in; null when absent or empty.</summary>
    public int? RPort => int.TryParse(Parameters.Get("rport"), NumberStyles.None, CultureInfo.InvariantCulture, out int p) ? p : null;

    public static string NewBranch() => SipIdentifiers.NewBranch();

    public static SipVia Parse(string text) =>
        TryParse(text, out var via, out var error) ? via : throw new SipParseException(error);

    public static bool TryParse(string? text, out SipVia via, out string error)
    {
        via = null!;
        error = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "empty Via";
            return false;
        }
        text = text.Trim();
        int i = 0;
        var protocol = new List<string>();
        for (int part = 0; part < 3; part++)
        {
            SipSyntax.SkipWhitespace(text, ref i);
            int start = i;
            while (i < text.Length && SipSyntax.IsTokenChar(text[i])) i++;
            if (i == start)
            {
                error = $"bad Via protocol in '{SipUri.Shorten(text)}'";
                return false;
            }
            protocol.Add(text[start..i]);
            SipSyntax.SkipWhitespace(text, ref i);
            if (part < 2)
            {
                if (i >= text.Length || text[i] != '/')
                {
                    error = $"bad Via protocol in '{SipUri.Shorten(text)}'";
                    return false;
                }
                i++;
            }
        }
        if (!protocol[0].Equals("SIP", StringComparison.OrdinalIgnoreCase) || protocol[1] != "2.0")
        {
            error = $"unsupported Via protocol {protocol[0]}/{protocol[1]}";
            return false;
        }
        var result = new SipVia { Transport = protocol[2].ToUpperInvariant() };
        int hostStart = i;
        if (i < text.Length && text[i] == '[')
        {
            int close = text.IndexOf(']', i);
            if (close < 0)
            {
                error = "unterminated IPv6 in Via";
                return false;
            }
            i = close + 1;
        }
        else
        {
            while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '.' or '-' or '_')) i++;
        }
        result.Host = text[hostStart..i];
        if (result.Host.Length == 0)
        {
            error = "Via has no sent-by host";
            return false;
        }
        SipSyntax.SkipWhitespace(text, ref i);
        if (i < text.Length && text[i] == ':')
        {
            i++;
            SipSyntax.SkipWhitespace(text, ref i);
            int portStart = i;
            while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
            if (!int.TryParse(text.AsSpan(portStart, i - portStart), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535)
            {
                error = "bad Via port";
                return false;
            }
            result.Port = port;
        }
        if (!SipSyntax.TryReadParameters(text, ref i, result.Parameters, out error)) return false;
        via = result;
        return true;
    }

    public override string ToString()
    {
        var sb = new StringBuilder("SIP/2.0/").Append(Transport).Append(' ').Append(Host);
        if (Port is int port) sb.Append(':').Append(port.ToString(CultureInfo.InvariantCulture));
        Parameters.AppendTo(sb);
        return sb.ToString();
    }
}

public static class SipViaExtensions
{
    /// <summary>RFC 3261 §18.2.1: a server adds <c>received</c> when sent-by is not the packet's source.</summary>
    public static bool HostAddressDiffers(this SipVia via, System.Net.IPAddress source)
    {
        string host = via.Host.Trim('[', ']');
        return !System.Net.IPAddress.TryParse(host, out var address) || !address.Equals(source);
    }
}
