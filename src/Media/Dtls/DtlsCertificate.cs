using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using Orchestrator.Media.Sdp;

namespace Orchestrator.Media.Dtls;

/// <summary>
/// A self-signed ECDSA P-256 certificate for DTLS-SRTP. WebRTC authenticates it by the fingerprint
/// in SDP, not by a CA, so one generated at start-up serves every call of the process.
/// </summary>
public sealed class DtlsCertificate
{
    private DtlsCertificate(X509Certificate certificate, AsymmetricKeyParameter privateKey)
    {
        Certificate = certificate;
        PrivateKey = privateKey;
        DerEncoded = certificate.GetEncoded();
        Fingerprint = SdpFingerprint.Sha256(DerEncoded);
    }

    public X509Certificate Certificate { get; }
    public AsymmetricKeyParameter PrivateKey { get; }
    public byte[] DerEncoded { get; }

    /// <summary>The <c>a=fingerprint:sha-256 …</c> value to put in our SDP.</summary>
    public SdpFingerprint Fingerprint { get; }

    public static DtlsCertificate Generate(string commonName = "orchestrator", TimeSpan? validity = null)
    {
        var random = new SecureRandom();
        var keyGenerator = new ECKeyPairGenerator();
        keyGenerator.Init(new ECKeyGenerationParameters(SecObjectIdentifiers.SecP256r1, random));
        var keys = keyGenerator.GenerateKeyPair();

        var name = new X509Name($"CN={commonName}");
        var generator = new X509V3CertificateGenerator();
        generator.SetSerialNumber(new BigInteger(64, random).Add(BigInteger.One));
        generator.SetIssuerDN(name);
        generator.SetSubjectDN(name);
        // Back-dated a day so peers with a slightly wrong clock do not see it as not yet valid.
        generator.SetNotBefore(DateTime.UtcNow.AddDays(-1));
        generator.SetNotAfter(DateTime.UtcNow.Add(validity ?? TimeSpan.FromDays(30)));
        generator.SetPublicKey(keys.Public);
        var certificate = generator.Generate(new Asn1SignatureFactory("SHA256WITHECDSA", keys.Private, random));
        return new DtlsCertificate(certificate, keys.Private);
    }
}
