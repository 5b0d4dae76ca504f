using System.Security.Cryptography;
using Orchestrator.Media.Sdp;

namespace Orchestrator.Media.Dtls;

/// <summary>Computes and compares RFC 8122 certificate fingerprints.</summary>
public static class CertificateFingerprint
{
    /// <summary>The fingerprint of a DER certificate with the named hash, or null for an unsupported hash.</summary>
    public static SdpFingerprint? Compute(string algorithm, ReadOnlySpan<byte> der)
    {
        byte[]? digest = algorithm.ToLowerInvariant() switch
        {
            "sha-1" => SHA1.HashData(der),
            "sha-256" => SHA256.HashData(der),
            "sha-384" => SHA384.HashData(der),
            "sha-512" => SHA512.HashData(der),
            _ => null,
        };
        return digest is null ? null : new SdpFingerprint(algorithm.ToLowerInvariant(), SdpFingerprint.FormatHex(digest));
    }

    public static bool Matches(SdpFingerprint expected, ReadOnlySpan<byte> der) =>
        Compute(expected.Algorithm, der) is { } actual && actual.Matches(expected);
}
