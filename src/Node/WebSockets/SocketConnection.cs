using System.Net.WebSockets;
using System.Threading.Channels;
using Akka.Actor;
using Orchestrator.Messages.Protocol;

namespace Orchestrator.Node.WebSockets;

/// <summary>
/// Pumps one accepted WebSocket: a receive loop that enforces the frame rules and hands parsed
/// frames to the socket actor, and a send loop that drains the actor's queue in order.
/// </summary>
public sealed class SocketConnection : ISocketOutbox
{
    private abstract record Outgoing;
    private sealed record Data(byte[] Bytes) : Outgoing;
    private sealed record Closing(int Code, string Reason) : Outgoing;

    private static readonly TimeSpan CloseHandshakeLimit = TimeSpan.FromSeconds(5);

    private readonly WebSocket _socket;
    private readonly WebSocketSettings _settings;
    private readonly Channel<Outgoing> _queue;
    private readonly CancellationTokenSource _abort = new();
    private readonly CancellationTokenSource _closeSent = new();

    public SocketConnection(WebSocket socket, WebSocketSettings settings)
    {
        _socket = socket;
        _settings = settings;
        _queue = Channel.CreateBounded<Outgoing>(new BoundedChannelOptions(settings.SendQueueLimit)
        {
            SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite,
        });
    }

    public void Send(byte[] frame)
    {
        // A client that stops reading must not make the server buffer without end.
        if (!_queue.Writer.TryWrite(new Data(frame)) && !_queue.Reader.Completion.IsCompleted) _abort.Cancel();
    }

    public void Close(int code, string reason)
    {
        _queue.Writer.TryWrite(new Closing(code, reason));
        _queue.Writer.TryComplete();
    }

    /// <summary>Sends one error and closes, for refusals before any actor exists.</summary>
    public async Task RefuseAsync(string error, int code)
    {
        Send(ServerFrames.Error(error));
        Close(code, error);
        await SendLoopAsync();
        await DrainUntilClosedAsync();
    }

    /// <summary>Runs both loops until the socket is closed by either side.</summary>
    public async Task RunAsync(IActorRef actor, CancellationToken requestAborted)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, _abort.Token);
        _closeSent.Token.Register(() => linked.CancelAfter(CloseHandshakeLimit));
        var sending = SendLoopAsync();
        var violation = await ReceiveLoopAsync(actor, linked.Token);
        if (!violation)
        {
            // The client left: nothing more can reach it, and the actor must stop.
            actor.Tell(new SocketActor.Gone());
            _queue.Writer.TryComplete();
        }
        // After a violation the actor queues its error and the close, which ends the send loop.
        if (await Task.WhenAny(sending, Task.Delay(CloseHandshakeLimit)) != sending) _abort.Cancel();
        await sending;
        if (violation)
        {
            actor.Tell(new SocketActor.Gone());
            await DrainUntilClosedAsync();
        }
        else if (_socket.State == WebSocketState.CloseReceived)
        {
            await AnswerCloseAsync();
        }
    }

    /// <summary>Reads frames until the client leaves; true when it stopped on a protocol violation.</summary>
    private async Task<bool> ReceiveLoopAsync(IActorRef actor, CancellationToken cancellationToken)
    {
        var buffer = new byte[Math.Min(_settings.MaxMessageBytes + 1, 16 * 1024)];
        var message = new MemoryStream();
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var read = await _socket.ReceiveAsync(buffer, cancellationToken);
                if (read.MessageType == WebSocketMessageType.Close) return false;
                if (read.MessageType == WebSocketMessageType.Binary)
                    return Violation(actor, new ParsedFrame.Invalid("Binary frames are not supported", CloseCodes.UnsupportedData));
                message.Write(buffer, 0, read.Count);
                if (message.Length > _settings.MaxMessageBytes)
                    return Violation(actor, new ParsedFrame.Invalid(ProtocolErrors.TooLarge, CloseCodes.TooLarge));
                if (!read.EndOfMessage) continue;
                var parsed = EnvelopeParser.Parse(message.GetBuffer().AsSpan(0, (int)message.Length));
                message.SetLength(0);
                if (parsed is ParsedFrame.Invalid) return Violation(actor, parsed);
                actor.Tell(new SocketActor.Frame(parsed));
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            // The client vanished or the server is stopping.
        }
        return false;
    }

    private static bool Violation(IActorRef actor, ParsedFrame invalid)
    {
        actor.Tell(new SocketActor.Frame(invalid));
        return true;
    }

    private async Task SendLoopAsync()
    {
        try
        {
            await foreach (var item in _queue.Reader.ReadAllAsync(_abort.Token))
            {
                switch (item)
                {
                    case Data data when _socket.State is WebSocketState.Open or WebSocketState.CloseReceived:
                        await _socket.SendAsync(data.Bytes, WebSocketMessageType.Text, true, _abort.Token);
                        break;
                    case Closing closing when _socket.State is WebSocketState.Open or WebSocketState.CloseReceived:
                        await _socket.CloseOutputAsync((WebSocketCloseStatus)closing.Code, Truncate(closing.Reason), _abort.Token);
                        _closeSent.Cancel(); // the client has a moment to answer; then the receive loop stops
                        return;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
        }
        finally
        {
            if (_abort.IsCancellationRequested) _socket.Abort();
        }
    }

    /// <summary>Reads until the client answers our close, so it sees a clean close handshake.</summary>
    private async Task DrainUntilClosedAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var buffer = new byte[4096];
        try
        {
            while (_socket.State == WebSocketState.CloseSent)
                if ((await _socket.ReceiveAsync(buffer, timeout.Token)).MessageType == WebSocketMessageType.Close) return;
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
        }
    }

    private async Task AnswerCloseAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
        }
    }

    /// <summary>A close reason may carry at most 123 UTF-8 bytes.</summary>
    private static string Truncate(string reason)
    {
        while (System.Text.Encoding.UTF8.GetByteCount(reason) > 123) reason = reason[..^1];
        return reason;
    }
}
