using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Orchestrator.Media.Sip.Messages;

namespace Orchestrator.Media.Sip.Transport;

/// <summary>
/// SIP over TCP: listens for inbound connections and opens outbound ones on demand, one per remote
/// endpoint, reused in both directions. Each connection cuts its stream with <see cref="SipStreamFramer"/>.
/// </summary>
public sealed class SipTcpChannel : ISipChannel
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<IPEndPoint, Connection> _connections = new();
    private Task? _acceptLoop;

    public SipTcpChannel(IPEndPoint bind, string? advertisedHost = null, int? advertisedPort = null)
    {
        _listener = new TcpListener(bind);
        _listener.Start();
        LocalEndPoint = (IPEndPoint)_listener.LocalEndpoint;
        AdvertisedHost = advertisedHost ?? LocalEndPoint.Address.ToString();
        AdvertisedPort = advertisedPort ?? LocalEndPoint.Port;
    }

    public SipTransportKind Kind => SipTransportKind.Tcp;
    public bool IsReliable => true;
    public IPEndPoint LocalEndPoint { get; }
    public string AdvertisedHost { get; }
    public int AdvertisedPort { get; }
    public Func<SipInbound, ValueTask>? MessageReceived { get; set; }
    public Action<string, IPEndPoint>? Malformed { get; set; }

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public void Start() => _acceptLoop ??= Task.Run(AcceptLoopAsync);

    public async ValueTask SendAsync(byte[] data, IPEndPoint remote, CancellationToken cancellationToken = default)
    {
        if (!_connections.TryGetValue(remote, out var connection))
        {
            var client = new TcpClient(remote.AddressFamily) { NoDelay = true };
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token))
            {
                timeout.CancelAfter(ConnectTimeout);
                try
                {
                    await client.ConnectAsync(remote, timeout.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is SocketException or OperationCanceledException)
                {
                    client.Dispose();
                    throw new IOException($"TCP connect to {remote} failed: {ex.Message}", ex);
                }
            }
            connection = new Connection(this, client, remote);
            if (_connections.TryAdd(remote, connection)) connection.Start();
            else
            {
                client.Dispose();
                connection = _connections[remote];
            }
        }
        await connection.SendAsync(data, cancellationToken).ConfigureAwait(false);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stop.IsCancellationRequested) break;
                continue;
            }
            client.NoDelay = true;
            var remote = (IPEndPoint)client.Client.RemoteEndPoint!;
            var connection = new Connection(this, client, remote);
            _connections[remote] = connection;
            connection.Start();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        foreach (var c in _connections.Values) c.Dispose();
        if (_acceptLoop is not null) await _acceptLoop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private sealed class Connection(SipTcpChannel owner, TcpClient client, IPEndPoint remote) : IDisposable
    {
        private readonly SemaphoreSlim _writeLock = new(1, 1);
        private readonly NetworkStream _stream = client.GetStream();

        public void Start() => _ = Task.Run(ReadLoopAsync);

        public async ValueTask SendAsync(byte[] data, CancellationToken ct)
        {
            await _writeLock.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                await _stream.WriteAsync(data, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException)
            {
                Close();
                throw new IOException($"TCP send to {remote} failed", ex);
            }
            finally
            {
                _writeLock.Release();
            }
        }

        private async Task ReadLoopAsync()
        {
            var framer = new SipStreamFramer();
            var buffer = new byte[16384];
            try
            {
                while (!owner._stop.IsCancellationRequested)
                {
                    int n = await _stream.ReadAsync(buffer, owner._stop.Token).ConfigureAwait(false);
                    if (n == 0) break;
                    framer.Append(buffer.AsSpan(0, n));
                    while (framer.TryRead(out var message, out var error))
                    {
                        if (error is not null)
                        {
                            owner.Malformed?.Invoke(error, remote);
                            return; // framing is lost; closing is the only safe recovery
                        }
                        try
                        {
                            if (owner.MessageReceived is { } handler) await handler(new SipInbound(message!, remote)).ConfigureAwait(false);
                        }
                        catch (Exception ex)
                        {
                            owner.Malformed?.Invoke("handler failed: " + ex.Message, remote);
                        }
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
            {
            }
            finally
            {
                Close();
            }
        }

        private void Close()
        {
            owner._connections.TryRemove(new KeyValuePair<IPEndPoint, Connection>(remote, this));
            Dispose();
        }

        public void Dispose()
        {
            try { client.Dispose(); } catch (ObjectDisposedException) { }
        }
    }
}
