using System.Globalization;
using System.Text;

namespace Orchestrator.Media.Sip.Messages;

/// <summary>
/// A SIP or SIPS URI (RFC 3261 §19.1): <c>sip:user:password@host:port;params?headers</c>.
/// The user part is kept escaped as received. Other schemes (tel:, urn:) are kept opaque.
/// </summary>
public sealed class SipUri
{
    public string Scheme { get; set; } = "sip";
    public string? User { get; set; }
    public string? Password { get; set; }
    public string Host { get; set; } = "";
    public int? Port { get; set; }
    public SipParameters Parameters { get; init; } = new();

    /// <summary>The <c>?name=value&amp;…</c> part, names and values kept escaped.</summary>
    public List<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>For non-SIP schemes: everything after the colon.</summary>
    public string? Opaque { get; set; }

    public bool IsSip => Scheme is "sip" or "sips";

    public string? Transport => Parameters.Get("transport")?.ToLowerInvariant();

    public bool LooseRouting => Parameters.Contains("lr");

    public int PortOrDefault => Port ?? (Scheme == "sips" ? 5061 : 5060);

    /// <summary>The host without IPv6 brackets, for address parsing.</summary>
    public string HostAddress => Host.StartsWith('[') && Host.EndsWith(']') ? Host[1..^1] : Host;

    public static SipUri Parse(string text) =>
        TryParse(text, out var uri, out var error) ? uri : throw new SipParseException(error);

    public static bool TryParse(string? text, out SipUri uri, out string error)
    {
        uri = null!;
        error = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "empty URI";
            return false;
        }
        text = text.Trim();
        int colon = text.IndexOf(':');
        if (colon <= 0 || !IsScheme(text.AsSpan(0, colon)))
        {
            error = $"URI '{Shorten(text)}' has no scheme";
            return false;
        }
        string scheme = text[..colon].ToLowerInvariant();
        string rest = text[(colon + 1)..];
        if (scheme is not ("sip" or "sips"))
        {
            if (rest.Length == 0 || rest.Any(char.IsWhiteSpace))
            {
                error = $"bad {scheme} URI";
                return false;
            }
            uri = new SipUri { Scheme = scheme, Opaque = rest, Host = "" };
            return true;
        }

        var result = new SipUri { Scheme = scheme };
        // userinfo ends at the last '@' before any ';' or '?' of the host part; user may hold ';'.
        int at = rest.LastIndexOf('@');
        int hostStart = 0;
        if (at >= 0)
        {
            string userInfo = rest[..at];
            int pw = userInfo.IndexOf(':');
            result.User = pw < 0 ? userInfo : userInfo[..pw];
            result.Password = pw < 0 ? null : userInfo[(pw + 1)..];
            if (result.User.Length == 0 || userInfo.Any(c => char.IsWhiteSpace(c) || c is '<' or '>' or '"'))
            {
                error = $"bad user part in '{Shorten(text)}'";
                return false;
            }
            hostStart = at + 1;
        }
        int i = hostStart;
        if (i < rest.Length && rest[i] == '[')
        {
            int close = rest.IndexOf(']', i);
            if (close < 0)
            {
                error = "unterminated IPv6 reference";
                return false;
            }
            i = close + 1;
        }
        else
        {
            while (i < rest.Length && (char.IsAsciiLetterOrDigit(rest[i]) || rest[i] is '.' or '-' or '_')) i++;
        }
        result.Host = rest[hostStart..i];
        if (result.Host.Length == 0)
        {
            error = $"URI '{Shorten(text)}' has no host";
            return false;
        }
        if (i < rest.Length && rest[i] == ':')
        {
            int portStart = ++i;
            while (i < rest.Length && char.IsAsciiDigit(rest[i])) i++;
            if (!int.TryParse(rest.AsSpan(portStart, i - portStart), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535)
            {
                error = $"bad port in '{Shorten(text)}'";
                return false;
            }
            result.Port = port;
        }
        if (!SipSyntax.TryReadParameters(rest, ref i, result.Parameters, out error, "?")) return false;
        if (i < rest.Length && rest[i] == '?')
        {
            foreach (var pair in rest[(i + 1)..].Split('&'))
            {
                int eq = pair.IndexOf('=');
                if (eq <= 0)
                {
                    error = $"bad URI header '{pair}'";
                    return false;
                }
                result.Headers.Add(new(pair[..eq], pair[(eq + 1)..]));
            }
            i = rest.Length;
        }
        if (i != rest.Length || result.Parameters.Items.Any(p => p.Value?.Contains('"') == true))
        {
            error = $"unexpected characters in '{Shorten(text)}'";
            return false;
        }
        uri = result;
        return true;
    }

    public SipUri Clone() => new()
    {
        Scheme = Scheme,
        User = User,
        Password = Password,
        Host = Host,
        Port = Port,
        Parameters = Parameters.Clone(),
        Headers = [.. Headers],
        Opaque = Opaque,
    };

    public override string ToString()
    {
        if (!IsSip) return $"{Scheme}:{Opaque}";
        var sb = new StringBuilder(Scheme).Append(':');
        if (User is not null)
        {
            sb.Append(User);
            if (Password is not null) sb.Append(':').Append(Password);
            sb.Append('@');
        }
        sb.Append(Host);
        if (Port is int port) sb.Append(':').Append(port.ToString(CultureInfo.InvariantCulture));
        Parameters.AppendTo(sb);
        for (int i = 0; i < Headers.Count; i++)
            sb.Append(i == 0 ? '?' : '&').Append(Headers[i].Key).Append('=').Append(Headers[i].Value);
        return sb.ToString();
    }

    private static bool IsScheme(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty || !char.IsAsciiLetter(s[0])) return false;
        foreach (char c in s)
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('+' or '-' or '.')) return false;
        return true;
    }

    internal static string Shorten(string s) => s.Length <= 80 ? s : s[..80] + "…";
}
