using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using Orchestrator.Media.Dtls;

namespace Orchestrator.Media.Tests.Dtls;

/// <summary>A browser stand-in: a BouncyCastle DTLS 1.2 client offering use_srtp with its own certificate.</summary>
internal sealed class DtlsSrtpTestClient(DtlsCertificate certificate, bool offerSrtp = true, bool sendCertificate = true) : DefaultTlsClient(new BcTlsCrypto())
{
    public DtlsCertificate Certificate { get; } = certificate;
    public bool SendCertificate { get; } = sendCertificate;
    public DtlsSrtpKeys? Keys { get; private set; }
    public byte[]? ServerCertificate { get; private set; }
    public short[]? RequestedCertificateTypes { get; private set; }

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

    public override IDictionary<int, byte[]> GetClientExtensions()
    {
        var extensions = base.GetClientExtensions() ?? new Dictionary<int, byte[]>();
        int[] profiles = offerSrtp
            ? [SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM, SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80]
            : [SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM];
        TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData(profiles, []));
        return extensions;
    }

    public override TlsAuthentication GetAuthentication() => new Authentication(this);

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        var material = m_context.ExportKeyingMaterial(ExporterLabel.dtls_srtp, null, DtlsSrtpKeys.ExportLength);
        Keys = DtlsSrtpKeys.FromExport(material, isServer: false, DtlsSrtpServer.SrtpProfile);
    }

    private sealed class Authentication(DtlsSrtpTestClient client) : TlsAuthentication
    {
        public void NotifyServerCertificate(TlsServerCertificate serverCertificate) =>
            client.ServerCertificate = serverCertificate.Certificate.GetCertificateAt(0).GetEncoded();

        public TlsCredentials GetClientCredentials(CertificateRequest certificateRequest)
        {
            client.RequestedCertificateTypes = certificateRequest.CertificateTypes;
            if (!client.SendCertificate) return null!;
            var crypto = (BcTlsCrypto)client.Crypto;
            var chain = new Org.BouncyCastle.Tls.Certificate([crypto.CreateCertificate(client.Certificate.DerEncoded)]);
            return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(client.m_context), crypto, client.Certificate.PrivateKey, chain,
                new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
        }
    }
}
