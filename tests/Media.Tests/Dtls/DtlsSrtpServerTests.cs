using Org.BouncyCastle.Tls;
using Orchestrator.Media.Dtls;
using Orchestrator.Media.Rtp;
using Orchestrator.Media.Sdp;
using Orchestrator.Media.Transport;

namespace Orchestrator.Media.Tests.Dtls;

public class DtlsSrtpServerTests
{
    // Generating keys costs a few milliseconds; share them across tests.
    private static readonly DtlsCertificate ServerCertificate = DtlsCertificate.Generate("server");
    private static readonly DtlsCertificate BrowserCertificate = DtlsCertificate.Generate("browser");

    /// <summary>Two transports wired back to back, checking every datagram would be demultiplexed as DTLS.</summary>
    private static (QueueDatagramTransport Server, QueueDatagramTransport Client) Pair()
    {
        QueueDatagramTransport? server = null, client = null;
        server = new QueueDatagramTransport(d =>
        {
            Assert.Equal(DatagramKind.Dtls, DatagramClassifier.Classify(d));
            client!.Enqueue(d);
        });
        client = new QueueDatagramTransport(d =>
        {
            Assert.Equal(DatagramKind.Dtls, DatagramClassifier.Classify(d));
            server.Enqueue(d);
        });
        return (server, client);
    }

    private static Task<DtlsTransport> Connect(DtlsSrtpTestClient client, QueueDatagramTransport transport) =>
        Task.Factory.StartNew(() => new DtlsClientProtocol().Connect(client, transport), TaskCreationOptions.LongRunning);

    [Fact]
    public async Task Handshake_completes_and_both_sides_derive_the_same_srtp_keys()
    {
        var (serverTransport, clientTransport) = Pair();
        var server = new DtlsSrtpServer(ServerCertificate, BrowserCertificate.Fingerprint);
        var client = new DtlsSrtpTestClient(BrowserCertificate);
        var accept = DtlsSrtpHandshake.AcceptAsync(server, serverTransport, TimeSpan.FromSeconds(20));
        var connect = Connect(client, clientTransport);

        var session = await accept;
        await connect;

        Assert.Equal(BrowserCertificate.DerEncoded, session.RemoteCertificate);
        Assert.True(CertificateFingerprint.Matches(ServerCertificate.Fingerprint, client.ServerCertificate));
        Assert.Contains(ClientCertificateType.ecdsa_sign, client.RequestedCertificateTypes!);
        Assert.NotNull(client.Keys);
        Assert.Equal(session.Keys.Local, client.Keys!.Remote);
        Assert.Equal(session.Keys.Remote, client.Keys.Local);
        Assert.NotEqual(session.Keys.Local, session.Keys.Remote);

        // The keys work: what the browser protects, the server unprotects.
        var (browserOut, _) = client.Keys.CreateContexts();
        var (_, serverIn) = session.Keys.CreateContexts();
        var rtp = new RtpPacket { PayloadType = 111, SequenceNumber = 1, Ssrc = 5, Payload = [1, 2, 3] }.ToArray();
        Assert.Equal(rtp, serverIn.UnprotectRtp(browserOut.ProtectRtp(rtp)));
    }

    [Fact]
    public async Task A_certificate_that_does_not_match_the_sdp_fingerprint_fails_the_handshake()
    {
        var (serverTransport, clientTransport) = Pair();
        var wrong = DtlsCertificate.Generate("impostor").Fingerprint;
        var server = new DtlsSrtpServer(ServerCertificate, wrong);
        var connect = Connect(new DtlsSrtpTestClient(BrowserCertificate), clientTransport);
        var error = await Assert.ThrowsAsync<DtlsHandshakeException>(() => DtlsSrtpHandshake.AcceptAsync(server, serverTransport, TimeSpan.FromSeconds(20)));
        Assert.Contains("fingerprint", error.Message);
        await Assert.ThrowsAnyAsync<Exception>(() => connect);
        Assert.Null(server.Keys);
    }

    [Fact]
    public async Task A_client_without_the_srtp_profile_is_refused()
    {
        var (serverTransport, clientTransport) = Pair();
        var server = new DtlsSrtpServer(ServerCertificate, BrowserCertificate.Fingerprint);
        var connect = Connect(new DtlsSrtpTestClient(BrowserCertificate, offerSrtp: false), clientTransport);
        var error = await Assert.ThrowsAsync<DtlsHandshakeException>(() => DtlsSrtpHandshake.AcceptAsync(server, serverTransport, TimeSpan.FromSeconds(20)));
        Assert.Contains("use_srtp", error.Message);
        await Assert.ThrowsAnyAsync<Exception>(() => connect);
    }

    [Fact]
    public async Task A_client_without_a_certificate_is_refused()
    {
        var (serverTransport, clientTransport) = Pair();
        var server = new DtlsSrtpServer(ServerCertificate, BrowserCertificate.Fingerprint);
        var connect = Connect(new DtlsSrtpTestClient(BrowserCertificate, sendCertificate: false), clientTransport);
        var error = await Assert.ThrowsAsync<DtlsHandshakeException>(() => DtlsSrtpHandshake.AcceptAsync(server, serverTransport, TimeSpan.FromSeconds(20)));
        Assert.Contains("certificate", error.Message);
        await Assert.ThrowsAnyAsync<Exception>(() => connect);
    }

    [Fact]
    public async Task Times_out_with_a_clear_reason_when_no_client_shows_up()
    {
        var (serverTransport, _) = Pair();
        var server = new DtlsSrtpServer(ServerCertificate, BrowserCertificate.Fingerprint);
        var started = DateTime.UtcNow;
        var error = await Assert.ThrowsAsync<DtlsHandshakeException>(() => DtlsSrtpHandshake.AcceptAsync(server, serverTransport, TimeSpan.FromMilliseconds(300)));
        Assert.Contains("did not complete", error.Message);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5));
        Assert.True(serverTransport.IsClosed);
    }

    [Fact]
    public void Certificate_is_ecdsa_p256_and_its_fingerprint_is_sha256_of_the_der()
    {
        Assert.Equal("SHA256WITHECDSA", ServerCertificate.Certificate.SigAlgName.Replace("-", "").ToUpperInvariant());
        Assert.Equal(SdpFingerprint.Sha256(ServerCertificate.DerEncoded), ServerCertificate.Fingerprint);
        Assert.Equal(32, ServerCertificate.Fingerprint.TryGetBytes()!.Length);
        Assert.True(CertificateFingerprint.Matches(ServerCertificate.Fingerprint with { Value = ServerCertificate.Fingerprint.Value.ToLowerInvariant() }, ServerCertificate.DerEncoded));
        Assert.False(CertificateFingerprint.Matches(ServerCertificate.Fingerprint, BrowserCertificate.DerEncoded));
    }
}
