using System.Security.Cryptography;

namespace Orchestrator.Media.Ice;

/// <summary>
/// Local ICE username fragment and password. RFC 8839 requires at least 4 and 22 ice-chars
/// (24 and 128 bits of randomness); we use 8 and 24.
/// </summary>
public sealed record IceCredentials(string Ufrag, string Password)
{
    private const string IceChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    public static IceCredentials Generate() => new(RandomString(8), RandomString(24));

    private static string RandomString(int length) => RandomNumberGenerator.GetString(IceChars, length);
}
