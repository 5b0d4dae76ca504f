using System.Security.Cryptography;
using System.Text;

namespace Orchestrator.Storage.Integrations;

/// <summary>Web integration tokens: 32 random bytes, base64url, prefixed so they are recognisable in logs and leaks.</summary>
public static class IntegrationTokens
{
    public const string Prefix = "wit_";

    public static string NewToken() => NewSecret(Prefix);

    /// <summary>A fresh secret: <paramref name="prefix"/> and 32 random bytes as base64url (API keys use it too).</summary>
    public static string NewSecret(string prefix) => prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>Lower-case hex SHA-256 of the token's UTF-8 bytes: what the database holds.</summary>
    public static string Hash(string plainToken) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(plainToken)));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
