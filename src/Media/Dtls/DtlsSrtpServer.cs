using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using Orchestrator.Media.Sdp;

namespace Orchestrator.Media.Dtls;

/// <summary>
/// The WebRTC DTLS server (RFC 5763/5764): DTLS 1.2 only, ECDHE-ECDSA suites, extended master
/// secret required, <c>use_srtp</c> with SRTP_AES128_CM_HMAC_SHA1_80 only, a mandatory client
/// certificate checked against the fingerprint from the peer's SDP, and the SRTP keys exported the
/// moment the handshake completes (BouncyCastle clears the master secret afterwards).
/// One instance per handshake.
/// </summary>
public sealed class DtlsSrtpServer : DefaultTlsServer
{
    public const int SrtpProfile = SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80;

    private static readonly int[] Suites =
    [
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
    ];

    private readonly BcTlsCrypto _crypto;
    private readonly DtlsCertificate _certificate;
    private readonly SdpFingerprint _expectedClientFingerprint;
    private readonly int _handshakeTimeoutMs;

    public DtlsSrtpServer(DtlsCertificate certificate, SdpFingerprint expectedClientFingerprint, TimeSpan? handshakeTimeout = null)
        : this(new BcTlsCrypto(), certificate, expectedClientFingerprint, handshakeTimeout)
    {
    }

    private DtlsSrtpServer(BcTlsCrypto crypto, DtlsCertificate certificate, SdpFingerprint expectedClientFingerprint, TimeSpan? handshakeTimeout)
        : base(crypto)
    {
        _crypto = crypto;
        _certificate = certificate;
        _expectedClientFingerprint = expectedClientFingerprint;
        _handshakeTimeoutMs = (int)(handshakeTimeout ?? TimeSpan.FromSeconds(10)).TotalMilliseconds;
    }

    /// <summary>Set in <see cref="NotifyHandshakeComplete"/>.</summary>
    public DtlsSrtpKeys? Keys { get; private set; }

    /// <summary>Why the handshake was refused, when this side refused it.</summary>
    public string? FailureReason { get; private set; }

    /// <summary>The DER certificate the client presented.</summary>
    public byte[]? ClientCertificate { get; private set; }

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

    protected override int[] GetSupportedCipherSuites() => TlsUtilities.GetSupportedCipherSuites(_crypto, Suites);

    public override int GetHandshakeTimeoutMillis() => _handshakeTimeoutMs;

    public override bool RequiresExtendedMasterSecret() => true;

    protected override TlsCredentialedSigner GetECDsaSignerCredentials()
    {
        var certificate = new Certificate([_crypto.CreateCertificate(_certificate.DerEncoded)]);
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(m_context), _crypto, _certificate.PrivateKey, certificate,
            new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
    }

    public override void ProcessClientExtensions(IDictionary<int, byte[]> clientExtensions)
    {
        base.ProcessClientExtensions(clientExtensions);
        var useSrtp = TlsSrtpUtilities.GetUseSrtpExtension(clientExtensions);
        if (useSrtp is null || !useSrtp.ProtectionProfiles.Contains(SrtpProfile))
            throw Fail(AlertDescription.handshake_failure, "client did not offer use_srtp with SRTP_AES128_CM_HMAC_SHA1_80");
    }

    public override IDictionary<int, byte[]> GetServerExtensions()
    {
        var extensions = base.GetServerExtensions();
        TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData([SrtpProfile], []));
        return extensions;
    }

    /// <summary>Asks for the browser's certificate; Chromium aborts unless ecdsa_sign is listed.</summary>
    public override CertificateRequest GetCertificateRequest()
    {
        var algorithms = new List<SignatureAndHashAlgorithm>
        {
            new(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa),
            new(HashAlgorithm.sha384, SignatureAlgorithm.ecdsa),
            new(HashAlgorithm.sha512, SignatureAlgorithm.ecdsa),
            new(HashAlgorithm.sha256, SignatureAlgorithm.rsa),
            new(HashAlgorithm.sha384, SignatureAlgorithm.rsa),
            new(HashAlgorithm.sha512, SignatureAlgorithm.rsa),
        };
        return new CertificateRequest([ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign], algorithms, null);
    }

    public override void NotifyClientCertificate(Certificate clientCertificate)
    {
        if (clientCertificate is null || clientCertificate.IsEmpty)
            throw Fail(AlertDescription.certificate_required, "client sent no certificate");
        var der = clientCertificate.GetCertificateAt(0).GetEncoded();
        ClientCertificate = der;
        if (!CertificateFingerprint.Matches(_expectedClientFingerprint, der))
        {
            var actual = CertificateFingerprint.Compute(_expectedClientFingerprint.Algorithm, der);
            throw Fail(AlertDescription.bad_certificate, $"client certificate fingerprint {actual} does not match the SDP's {_expectedClientFingerprint}");
        }
    }

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        var material = m_context.ExportKeyingMaterial(ExporterLabel.dtls_srtp, null, DtlsSrtpKeys.ExportLength);
        Keys = DtlsSrtpKeys.FromExport(material, isServer: true, SrtpProfile);
    }

    private TlsFatalAlert Fail(short alert, string reason)
    {
        FailureReason = reason;
        return new TlsFatalAlert(alert, reason);
    }
}
