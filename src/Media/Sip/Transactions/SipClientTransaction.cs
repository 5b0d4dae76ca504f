using System.Net;
using Orchestrator.Media.Sip.Messages;
using Orchestrator.Media.Timing;

namespace Orchestrator.Media.Sip.Transactions;

/// <summary>What a client transaction needs from the layer below and the table it lives in.</summary>
public interface ISipTransactionHost
{
    SipTimerOptions Timers { get; }

    /// <summary>The user agent's one wheel for every transaction timer.</summary>
    TimerWheel Wheel { get; }

    bool IsReliable { get; }

    ValueTask SendAsync(byte[] data, IPEndPoint remote);

    void Remove(SipClientTransaction transaction);
}

/// <summary>
/// Shared shape of the INVITE and non-INVITE client transactions (RFC 3261 §17.1): the request is
/// sent and retransmitted on a doubling timer over unreliable transports until a response stops it;
/// the overall timeout ends the transaction with <see cref="Failed"/>. Responses reach the
/// transaction user through <see cref="ResponseReceived"/>, absorbed retransmissions excepted.
/// Its timers (A/E retransmit, B/F timeout, and the linger of D/K/M) are entries on the host's
/// <see cref="TimerWheel"/>, not runtime timers.
/// </summary>
public abstract class SipClientTransaction
{
    protected readonly object Gate = new();
    private readonly byte[] _bytes;
    private WheelTimer? _retransmit, _timeout;
    private TimeSpan _interval;
    private bool _stopped;

    protected SipClientTransaction(ISipTransactionHost host, SipRequest request, IPEndPoint destination)
    {
        Host = host;
        Request = request;
        Destination = destination;
        Branch = request.TopVia.Branch ?? throw new ArgumentException("request has no Via branch", nameof(request));
        _bytes = request.ToBytes();
    }

    public SipRequest Request { get; }
    public IPEndPoint Destination { get; }
    public string Branch { get; }
    public string Key => KeyFor(Branch, Request.Method);

    /// <summary>Responses for the transaction user; raised on the receive loop, outside the transaction's lock.</summary>
    public Action<SipResponse>? ResponseReceived { get; set; }

    /// <summary>Timeout (Timer B/F) or a transport error; raised at most once.</summary>
    public Action<string>? Failed { get; set; }

    public long Retransmissions { get; private set; }

    protected ISipTransactionHost Host { get; }

    public static string KeyFor(string branch, string method) => branch + "|" + (method == "ACK" ? "INVITE" : method);

    /// <summary>Arms the timers, then sends; a send that fails ends the transaction with <see cref="Failed"/>.</summary>
    public Task StartAsync()
    {
        var timers = Host.Timers;
        lock (Gate)
        {
            _timeout = Host.Wheel.Schedule(timers.TransactionTimeout, static t => ((SipClientTransaction)t!).OnTimeout(), this);
            if (!Host.IsReliable)
            {
                _interval = timers.T1;
                _retransmit = Host.Wheel.Schedule(_interval, static t => ((SipClientTransaction)t!).OnRetransmitTimer(), this);
            }
        }
        return TrySendAsync(_bytes);
    }

    public abstract void OnResponse(SipResponse response);

    protected abstract bool StillRetransmitting { get; }
    protected abstract bool StillTimingOut { get; }
    protected abstract TimeSpan NextInterval(TimeSpan current);

    private void OnTimeout()
    {
        lock (Gate)
            if (_stopped || !StillTimingOut) return;
        Fail("timeout: no final response to " + Request.Method);
    }

    private void OnRetransmitTimer()
    {
        lock (Gate)
        {
            if (_stopped || !StillTimingOut) return;
            if (StillRetransmitting)
            {
                Retransmissions++;
                Send(_bytes);
                _interval = NextInterval(_interval);
            }
            _retransmit = Host.Wheel.Schedule(_interval, static t => ((SipClientTransaction)t!).OnRetransmitTimer(), this);
        }
    }

    protected async Task TrySendAsync(byte[] data)
    {
        try
        {
            await Host.SendAsync(data, Destination).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException)
        {
            Fail("transport error: " + ex.Message);
        }
    }

    protected void Send(byte[] data) => _ = TrySendAsync(data);

    protected abstract void MarkTerminated();

    protected void Fail(string reason)
    {
        lock (Gate)
        {
            if (!StillTimingOut && !StillRetransmitting) return;
            MarkTerminated();
        }
        Terminate(TimeSpan.Zero);
        Failed?.Invoke(reason);
    }

    /// <summary>Stops the timers and leaves the table after <paramref name="linger"/> (to absorb retransmissions).</summary>
    protected void Terminate(TimeSpan linger)
    {
        lock (Gate)
        {
            _stopped = true;
            _retransmit?.Cancel();
            _timeout?.Cancel();
        }
        if (linger <= TimeSpan.Zero) Host.Remove(this);
        else Host.Wheel.Schedule(linger, static t => ((SipClientTransaction)t!).Host.Remove((SipClientTransaction)t!), this);
    }
}
