using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Orchestrator.Media.Sip.Auth;

/// <summary>
/// Computes Digest responses (RFC 2617 / RFC 7616, as SIP uses them in RFC 3261 §22): MD5 and
/// SHA-256, their <c>-sess</c> variants, qop=auth with cnonce and nonce count, opaque echoed.
/// </summary>
public static class DigestAuthenticator
{
    public static bool IsSupported(string algorithm) =>
        algorithm.ToUpperInvariant() is "MD5" or "MD5-SESS" or "SHA-256" or "SHA-256-SESS";

    public static string NewCnonce() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    /// <summary>The request-digest (the <c>response</c> parameter).</summary>
    public static string ComputeResponse(string algorithm, string username, string realm, string password, string method,
        string uri, string nonce, string? qop, string? nc, string? cnonce)
    {
        string alg = algorithm.ToUpperInvariant();
        string ha1 = Hash(alg, $"{username}:{realm}:{password}");
        if (alg.EndsWith("-SESS", StringComparison.Ordinal)) ha1 = Hash(alg, $"{ha1}:{nonce}:{cnonce}");
        string ha2 = Hash(alg, $"{method}:{uri}");
        return qop is null
            ? Hash(alg, $"{ha1}:{nonce}:{ha2}")
            : Hash(alg, $"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}");
    }

    /// <summary>The <c>Authorization</c>/<c>Proxy-Authorization</c> header value answering a challenge.</summary>
    public static string CreateAuthorization(DigestChallenge challenge, SipCredentials credentials, string method, string uri,
        int nonceCount = 1, string? cnonce = null)
    {
        string? qop = challenge.Qop.Any(q => q.Equals("auth", StringComparison.OrdinalIgnoreCase)) ? "auth" : null;
        string nc = nonceCount.ToString("x8", CultureInfo.InvariantCulture);
        cnonce ??= NewCnonce();
        string response = ComputeResponse(challenge.Algorithm, credentials.Username, challenge.Realm, credentials.Password,
            method, uri, challenge.Nonce, qop, qop is null ? null : nc, qop is null && !challenge.Algorithm.EndsWith("-sess", StringComparison.OrdinalIgnoreCase) ? null : cnonce);
        var sb = new StringBuilder("Digest ");
        sb.Append("username=").Append(Messages.SipSyntax.Quote(credentials.Username));
        sb.Append(", realm=").Append(Messages.SipSyntax.Quote(challenge.Realm));
        sb.Append(", nonce=").Append(Messages.SipSyntax.Quote(challenge.Nonce));
        sb.Append(", uri=").Append(Messages.SipSyntax.Quote(uri));
        sb.Append(", response=").Append(Messages.SipSyntax.Quote(response));
        sb.Append(", algorithm=").Append(challenge.Algorithm);
        if (qop is not null) sb.Append(", qop=").Append(qop).Append(", nc=").Append(nc).Append(", cnonce=").Append(Messages.SipSyntax.Quote(cnonce));
        if (challenge.Opaque is not null) sb.Append(", opaque=").Append(Messages.SipSyntax.Quote(challenge.Opaque));
        return sb.ToString();
    }

    private static string Hash(string algorithm, string text)
    {
        byte[] data = Encoding.UTF8.GetBytes(text);
        byte[] digest = algorithm.StartsWith("SHA-256", StringComparison.Ordinal) ? SHA256.HashData(data) : MD5.HashData(data);
        return Convert.ToHexStringLower(digest);
    }
}
