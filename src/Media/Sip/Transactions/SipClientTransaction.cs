using System.Net;
using Orchestrator.Media.Sip.Messages;

namespace Orchestrator.Media.Sip.Transactions;

/// <summary>What a client transaction needs from the layer below and the table it lives in.</summary>
public interface ISipTransactionHost
{
    SipTimerOptions Timers { get; }

    bool IsReliable { get; }

    ValueTask SendAsync(byte[] data, IPEndPoint remote);

    void Remove(SipClientTransaction transaction);
}

/// <summary>
/// Shared shape of the INVITE and non-INVITE client transactions (RFC 3261 §17.1): the request is
/// sent and retransmitted on a doubling timer over unreliable transports until a response stops it;
/// the overall timeout ends the transaction with <see cref="Failed"/>. Responses reach the
/// transaction user through <see cref="ResponseReceived"/>, absorbed retransmissions excepted.
/// </summary>
public abstract class SipClientTransaction
{
    protected readonly object Gate = new();
    private readonly CancellationTokenSource _timers = new();
    private readonly byte[] _bytes;

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
    protected CancellationToken TimerToken => _timers.Token;

    public static string KeyFor(string branch, string method) => branch + "|" + (method == "ACK" ? "INVITE" : method);

    public async Task StartAsync()
    {
        if (!await TrySendAsync(_bytes).ConfigureAwait(false)) return;
        _ = RunTimersAsync();
    }

    public abstract void OnResponse(SipResponse response);

    protected abstract bool StillRetransmitting { get; }
    protected abstract bool StillTimingOut { get; }
    protected abstract TimeSpan NextInterval(TimeSpan current);

    private async Task RunTimersAsync()
    {
        var timers = Host.Timers;
        var started = DateTime.UtcNow;
        var interval = timers.T1;
        var nextRetransmit = started + interval;
        try
        {
            while (true)
            {
                var deadline = started + timers.TransactionTimeout;
                bool retransmit = !Host.IsReliable && StillRetransmitting;
                var wake = retransmit && nextRetransmit < deadline ? nextRetransmit : deadline;
                var wait = wake - DateTime.UtcNow;
                if (wait > TimeSpan.Zero) await Task.Delay(wait, TimerToken).ConfigureAwait(false);
                if (!StillTimingOut) return;
                if (DateTime.UtcNow >= deadline)
                {
                    Fail("timeout: no final response to " + Request.Method);
                    return;
                }
                if (retransmit && StillRetransmitting)
                {
                    Retransmissions++;
                    if (!await TrySendAsync(_bytes).ConfigureAwait(false)) return;
                    interval = NextInterval(interval);
                    nextRetransmit = DateTime.UtcNow + interval;
                }
                else if (!Host.IsReliable)
                {
                    nextRetransmit = DateTime.UtcNow + interval;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    protected async Task<bool> TrySendAsync(byte[] data)
    {
        try
        {
            await Host.SendAsync(data, Destination).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException)
        {
            Fail("transport error: " + ex.Message);
            return false;
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
        _timers.Cancel();
        if (linger <= TimeSpan.Zero) Host.Remove(this);
        else _ = Task.Delay(linger).ContinueWith(_ => Host.Remove(this), TaskScheduler.Default);
    }
}
