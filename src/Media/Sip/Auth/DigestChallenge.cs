using Orchestrator.Media.Sip.Messages;

namespace Orchestrator.Media.Sip.Auth;

/// <summary>A parsed <c>WWW-Authenticate</c>/<c>Proxy-Authenticate</c> Digest challenge (RFC 7616 §3.3).</summary>
public sealed record DigestChallenge(string Realm, string Nonce, string? Opaque, string Algorithm, IReadOnlyList<string> Qop, bool Stale)
{
    public static bool TryParse(string? header, out DigestChallenge challenge, out string error)
    {
        challenge = null!;
        error = "";
        header = header?.Trim() ?? "";
        if (!header.StartsWith("Digest", StringComparison.OrdinalIgnoreCase) || (header.Length > 6 && header[6] is not (' ' or '\t')))
        {
            error = "not a Digest challenge";
            return false;
        }
        if (!TryParseParameters(header[6..], out var p, out error)) return false;
        if (!p.TryGetValue("realm", out var realm) || !p.TryGetValue("nonce", out var nonce))
        {
            error = "Digest challenge without realm or nonce";
            return false;
        }
        string algorithm = p.GetValueOrDefault("algorithm") ?? "MD5";
        if (!DigestAuthenticator.IsSupported(algorithm))
        {
            error = $"unsupported digest algorithm {algorithm}";
            return false;
        }
        var qop = (p.GetValueOrDefault("qop") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        challenge = new DigestChallenge(realm, nonce, p.GetValueOrDefault("opaque"), algorithm, qop,
            string.Equals(p.GetValueOrDefault("stale"), "true", StringComparison.OrdinalIgnoreCase));
        return true;
    }

    /// <summary>Parses <c>name=value, name="quoted"</c> auth-params.</summary>
    internal static bool TryParseParameters(string text, out Dictionary<string, string> parameters, out string error)
    {
        parameters = new(StringComparer.OrdinalIgnoreCase);
        error = "";
        int i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && text[i] is ' ' or '\t' or ',') i++;
            if (i >= text.Length) break;
            int start = i;
            while (i < text.Length && SipSyntax.IsTokenChar(text[i])) i++;
            string name = text[start..i];
            SipSyntax.SkipWhitespace(text, ref i);
            if (name.Length == 0 || i >= text.Length || text[i] != '=')
            {
                error = $"bad auth parameter near '{SipUri.Shorten(text[start..])}'";
                return false;
            }
            i++;
            SipSyntax.SkipWhitespace(text, ref i);
            string value;
            if (i < text.Length && text[i] == '"')
            {
                if (!SipSyntax.TryReadQuoted(text, ref i, out value))
                {
                    error = "unterminated quoted auth parameter";
                    return false;
                }
            }
            else
            {
                start = i;
                while (i < text.Length && text[i] is not (',' or ' ' or '\t')) i++;
                value = text[start..i];
            }
            parameters[name] = value;
        }
        return true;
    }
}
