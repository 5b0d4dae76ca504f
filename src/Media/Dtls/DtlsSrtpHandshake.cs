using Org.BouncyCastle.Tls;

namespace Orchestrator.Media.Dtls;

/// <summary>The outcome of a completed handshake: the DTLS transport (for close/alerts) and the SRTP keys.</summary>
public sealed record DtlsSrtpSession(DtlsTransport Transport, DtlsSrtpKeys Keys, byte[] RemoteCertificate);

/// <summary>
/// Runs <see cref="DtlsServerProtocol.Accept(TlsServer, DatagramTransport)"/>, which blocks for the
/// whole handshake, on a dedicated background thread so the caller (an actor) stays responsive.
/// The transport is closed on timeout or cancellation, which unblocks the handshake.
/// </summary>
public static class DtlsSrtpHandshake
{
    public static async Task<DtlsSrtpSession> AcceptAsync(DtlsSrtpServer server, QueueDatagramTransport transport, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var handshake = Task.Factory.StartNew(() => new DtlsServerProtocol().Accept(server, transport),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var finished = await Task.WhenAny(handshake, Task.Delay(timeout, cts.Token)).ConfigureAwait(false);
        cts.Cancel();
        if (finished != handshake)
        {
            transport.Close();
            // Observe the handshake's failure so it is not reported as unobserved.
            _ = handshake.ContinueWith(t => t.Exception, TaskScheduler.Default);
            cancellationToken.ThrowIfCancellationRequested();
            throw new DtlsHandshakeException($"DTLS handshake did not complete within {timeout.TotalSeconds:0.#} s");
        }
        try
        {
            var dtls = await handshake.ConfigureAwait(false);
            if (server.Keys is null) throw new DtlsHandshakeException("DTLS handshake completed without SRTP keys");
            return new DtlsSrtpSession(dtls, server.Keys, server.ClientCertificate ?? []);
        }
        catch (Exception ex) when (ex is not DtlsHandshakeException)
        {
            transport.Close();
            throw new DtlsHandshakeException($"DTLS handshake failed: {server.FailureReason ?? ex.Message}", ex);
        }
    }
}
