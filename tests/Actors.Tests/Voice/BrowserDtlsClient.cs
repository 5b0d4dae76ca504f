using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;
using Orchestrator.Media.Dtls;

namespace Orchestrator.Actors.Tests.Voice;

/// <summary>The browser's side of DTLS-SRTP: a BouncyCastle DTLS 1.2 client offering use_srtp
/// with its own certificate (the one whose fingerprint is in the answer).</summary>
internal sealed class BrowserDtlsClient(DtlsCertificate certificate) : DefaultTlsClient(new BcTlsCrypto())
{
    public DtlsCertificate Certificate { get; } = certificate;
    public DtlsSrtpKeys? Keys { get; private set; }

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

    public override IDictionary<int, byte[]> GetClientExtensions()
    {
        var extensions = base.GetClientExtensions() ?? new Dictionary<int, byte[]>();
        TlsSrtpUtilities.AddUseSrtpExtension(extensions, new UseSrtpData([SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80], []));
        return extensions;
    }

    public override TlsAuthentication GetAuthentication() => new Authentication(this);

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        var material = m_context.ExportKeyingMaterial(ExporterLabel.dtls_srtp, null, DtlsSrtpKeys.ExportLength);
        Keys = DtlsSrtpKeys.FromExport(material, isServer: false, DtlsSrtpServer.SrtpProfile);
    }

    private sealed class Authentication(BrowserDtlsClient client) : TlsAuthentication
    {
        public void NotifyServerCertificate(TlsServerCertificate serverCertificate) { }

        public TlsCredentials GetClientCredentials(CertificateRequest certificateRequest)
        {
            var crypto = (BcTlsCrypto)client.Crypto;
            var chain = new Certificate([crypto.CreateCertificate(client.Certificate.DerEncoded)]);
            return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(client.m_context), crypto, client.Certificate.PrivateKey, chain,
                new SignatureAndHashAlgorithm(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
        }
    }
}
