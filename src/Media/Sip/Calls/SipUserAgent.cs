using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Orchestrator.Media.Sdp;
using Orchestrator.Media.Sip.Auth;
using Orchestrator.Media.Sip.Messages;
using Orchestrator.Media.Sip.Transactions;
using Orchestrator.Media.Sip.Transport;
using Orchestrator.Media.Timing;

namespace Orchestrator.Media.Sip.Calls;

/// <summary>
/// A dial-out SIP user agent: one channel, the client transaction table, a cache of the responses
/// it sent (to absorb retransmitted requests), and its calls by Call-ID. Requests that do not belong
/// to a call are answered statelessly (OPTIONS 200, new INVITEs 480, the rest 481).
/// </summary>
public sealed class SipUserAgent : IAsyncDisposable, ISipTransactionHost
{
    public const string Allow = "INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, INFO";

    private readonly ISipChannel _channel;
    private readonly ConcurrentDictionary<string, SipClientTransaction> _clients = new();
    private readonly ConcurrentDictionary<string, SipCall> _calls = new();
    private readonly ConcurrentDictionary<string, ServerEntry> _served = new();
    private long _malformed, _stray, _absorbed;

    private SipUserAgent(SipUserAgentOptions options, ISipChannel channel)
    {
        Options = options;
        _channel = channel;
        Wheel = TimerWheel.StartNew(TimerResolution, "sip-timers");
        Wheel.CallbackFailed += ex => MalformedMessage?.Invoke("timer failed: " + ex.Message, channel.LocalEndPoint);
        _channel.MessageReceived = OnMessageAsync;
        _channel.Malformed = (reason, remote) =>
        {
            Interlocked.Increment(ref _malformed);
            MalformedMessage?.Invoke(reason, remote);
        };
        MediaAddress = options.MediaAddress
            ?? (IPAddress.TryParse(channel.AdvertisedHost, out var advertised) ? advertised : options.BindAddress);
    }

    /// <summary>Tick of the timer wheel: fine enough for T1 = 500 ms (and the shrunk T1 of tests), coarse enough to cost nothing.</summary>
    public static readonly TimeSpan TimerResolution = TimeSpan.FromMilliseconds(5);

    public SipUserAgentOptions Options { get; }
    public SipTimerOptions Timers => Options.Timers;

    /// <summary>Every timer of every transaction and call of this agent (retransmits, timeouts, lingers, ring timeouts).</summary>
    public TimerWheel Wheel { get; }
    public bool IsReliable => _channel.IsReliable;
    public IPEndPoint LocalEndPoint => _channel.LocalEndPoint;
    public IPAddress MediaAddress { get; }

    public long MalformedMessages => Interlocked.Read(ref _malformed);
    public long StrayResponses => Interlocked.Read(ref _stray);
    public long AbsorbedRetransmissions => Interlocked.Read(ref _absorbed);
    public int ActiveCalls => _calls.Count;

    /// <summary>Input dropped as malformed or failing its handler; never thrown.</summary>
    public event Action<string, IPEndPoint>? MalformedMessage;

    public static SipUserAgent Start(SipUserAgentOptions? options = null)
    {
        options ??= new SipUserAgentOptions();
        var bind = new IPEndPoint(options.BindAddress, options.Port);
        ISipChannel channel = options.Transport == SipTransportKind.Tcp
            ? new SipTcpChannel(bind, options.AdvertisedHost, options.AdvertisedPort)
            : new SipUdpChannel(bind, options.AdvertisedHost, options.AdvertisedPort);
        var agent = new SipUserAgent(options, channel);
        channel.Start();
        return agent;
    }

    /// <summary>Creates a call without dialling, so handlers can be attached first.</summary>
    public SipCall CreateCall(SipDialOptions options)
    {
        var call = new SipCall(this, options);
        _calls[call.CallId] = call;
        return call;
    }

    /// <summary>Dials and waits for the answer or the failure; cancelling the token hangs up (CANCEL).</summary>
    public async Task<SipCall> DialAsync(SipDialOptions options, CancellationToken cancellationToken = default)
    {
        var call = CreateCall(options);
        await call.DialAsync(cancellationToken).ConfigureAwait(false);
        return call;
    }

    /// <summary>The short form: dial <paramref name="target"/> and return the call (see <see cref="SipCall.Result"/>).</summary>
    public Task<SipCall> DialAsync(SipUri target, SipUri from, string? displayName, SipCredentials? credentials,
        TimeSpan ringTimeout, SessionDescription sdpOffer, CancellationToken cancellationToken = default) =>
        DialAsync(new SipDialOptions
        {
            Target = target, From = from, DisplayName = displayName, Credentials = credentials,
            RingTimeout = ringTimeout, SdpOffer = sdpOffer,
        }, cancellationToken);

    // ---- used by SipCall ----

    internal SipVia NewVia() => new()
    {
        Transport = _channel.Kind == SipTransportKind.Tcp ? "TCP" : "UDP",
        Host = _channel.AdvertisedHost,
        Port = _channel.AdvertisedPort,
        Parameters = NewViaParameters(),
    };

    private static SipParameters NewViaParameters()
    {
        var p = new SipParameters();
        p.Set("branch", SipVia.NewBranch());
        p.Set("rport", null);
        return p;
    }

    internal string Contact(string? user)
    {
        var uri = new SipUri { User = user, Host = _channel.AdvertisedHost, Port = _channel.AdvertisedPort };
        if (_channel.Kind == SipTransportKind.Tcp) uri.Parameters.Set("transport", "tcp");
        return $"<{uri}>";
    }

    internal static string NewTag() => SipIdentifiers.NewTag();

    internal string NewCallId() => SipIdentifiers.NewCallId(_channel.AdvertisedHost);

    internal static async Task<IPEndPoint> ResolveAsync(SipUri uri)
    {
        if (!IPAddress.TryParse(uri.HostAddress, out var address))
        {
            var addresses = await Dns.GetHostAddressesAsync(uri.HostAddress).ConfigureAwait(false);
            address = addresses.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
                ?? throw new IOException($"cannot resolve {uri.Host}");
        }
        return new IPEndPoint(address, uri.PortOrDefault);
    }

    internal async Task StartTransactionAsync(SipClientTransaction transaction)
    {
        _clients[transaction.Key] = transaction;
        await transaction.StartAsync().ConfigureAwait(false);
    }

    public ValueTask SendAsync(byte[] data, IPEndPoint remote) => _channel.SendAsync(data, remote);

    public void Remove(SipClientTransaction transaction) =>
        _clients.TryRemove(new KeyValuePair<string, SipClientTransaction>(transaction.Key, transaction));

    /// <summary>Drops an ended call after T4, so late retransmissions still find it.</summary>
    internal void Forget(SipCall call) =>
        Wheel.Schedule(Timers.T4, static c =>
        {
            var ended = (SipCall)c!;
            ended.Agent._calls.TryRemove(new KeyValuePair<string, SipCall>(ended.CallId, ended));
        }, call);

    /// <summary>Builds a response mirroring the request (RFC 3261 §8.2.6), filling Via received/rport.</summary>
    internal static SipResponse CreateResponse(SipRequest request, int statusCode, string reason, IPEndPoint? source, string? toTag = null)
    {
        var response = new SipResponse { StatusCode = statusCode, ReasonPhrase = reason };
        bool first = true;
        foreach (var via in request.Headers.GetValues("Via"))
        {
            if (first && source is not null)
            {
                var top = SipVia.Parse(via);
                if (top.HostAddressDiffers(source.Address)) top.Parameters.Set("received", source.Address.ToString());
                if (top.Parameters.Contains("rport") && top.RPort is null) top.Parameters.Set("rport", source.Port.ToString(CultureInfo.InvariantCulture));
                response.Headers.Add("Via", top.ToString());
            }
            else response.Headers.Add("Via", via);
            first = false;
        }
        response.Headers.Add("From", request.Headers.Get("From")!);
        var to = request.Headers.Get("To")!;
        if (toTag is not null && statusCode > 100 && !SipNameAddress.Parse(to).Parameters.Contains("tag"))
            to += ";tag=" + toTag;
        response.Headers.Add("To", to);
        response.Headers.Add("Call-ID", request.CallId!);
        response.Headers.Add("CSeq", request.Headers.Get("CSeq")!);
        return response;
    }

    /// <summary>Sends a response to where the request came from (rport-style) and remembers it for retransmissions.</summary>
    internal ValueTask RespondAsync(SipRequest request, SipResponse response, IPEndPoint source)
    {
        if (!string.IsNullOrEmpty(Options.UserAgent)) response.Headers.Set("Server", Options.UserAgent);
        var bytes = response.ToBytes();
        var target = ResponseTarget(request, source);
        if (ServerKey(request) is { } key && _served.TryGetValue(key, out var entry)) entry.Response = bytes;
        return _channel.SendAsync(bytes, target);
    }

    private IPEndPoint ResponseTarget(SipRequest request, IPEndPoint source)
    {
        if (_channel.IsReliable) return source;
        var via = request.TopVia;
        return via.Parameters.Contains("rport") ? source : new IPEndPoint(source.Address, via.Port ?? 5060);
    }

    private async ValueTask OnMessageAsync(SipInbound inbound)
    {
        switch (inbound.Message)
        {
            case SipResponse response:
                OnResponse(response);
                break;
            case SipRequest request:
                await OnRequestAsync(request, inbound.Remote).ConfigureAwait(false);
                break;
        }
    }

    private void OnResponse(SipResponse response)
    {
        var cseq = response.CSeq;
        string? branch = response.TopVia.Branch;
        if (branch is not null && _clients.TryGetValue(SipClientTransaction.KeyFor(branch, cseq.Method), out var transaction))
        {
            transaction.OnResponse(response);
            return;
        }
        // A 2xx to INVITE after its transaction ended still needs its ACK re-sent.
        if (cseq.Method == "INVITE" && response.IsSuccess && response.CallId is { } id && _calls.TryGetValue(id, out var call))
        {
            call.OnInviteResponse(response);
            return;
        }
        Interlocked.Increment(ref _stray);
    }

    private async ValueTask OnRequestAsync(SipRequest request, IPEndPoint source)
    {
        string callId = request.CallId!;
        _calls.TryGetValue(callId, out var call);
        if (request.Method == "ACK")
        {
            call?.OnAck(request);
            return;
        }
        if (ServerKey(request) is { } key)
        {
            var entry = new ServerEntry();
            if (!_served.TryAdd(key, entry))
            {
                // A retransmission: answer with what we sent, or wait for it to be sent.
                Interlocked.Increment(ref _absorbed);
                if (_served.TryGetValue(key, out var existing) && existing.Response is { } previous)
                    await _channel.SendAsync(previous, ResponseTarget(request, source)).ConfigureAwait(false);
                return;
            }
            entry.Key = key;
            entry.Agent = this;
            Wheel.Schedule(Timers.TransactionTimeout, static e =>
            {
                var served = (ServerEntry)e!;
                served.Agent!._served.TryRemove(new KeyValuePair<string, ServerEntry>(served.Key!, served));
            }, entry);
        }

        string? toTag = request.To.Tag;
        if (request.Method == "CANCEL")
        {
            // We answer in-dialog INVITEs at once, so there is never a pending one to cancel.
            await RespondAsync(request, CreateResponse(request, 481, "Call/Transaction Does Not Exist", source), source).ConfigureAwait(false);
            return;
        }
        if (toTag is not null && call is not null && call.LocalTag == toTag)
        {
            await call.OnRequestAsync(request, source).ConfigureAwait(false);
            return;
        }
        var (code, reason) = request.Method switch
        {
            "OPTIONS" when toTag is null => (200, "OK"),
            "INVITE" when toTag is null => (480, "Temporarily Unavailable"),
            _ => (481, "Call/Transaction Does Not Exist"),
        };
        var response = CreateResponse(request, code, reason, source, NewTag());
        if (code == 200) response.Headers.Add("Allow", Allow);
        await RespondAsync(request, response, source).ConfigureAwait(false);
    }

    private static string? ServerKey(SipRequest request)
    {
        var via = request.TopVia;
        return via.Branch is { } branch && branch.StartsWith(SipVia.MagicCookie, StringComparison.Ordinal)
            ? $"{branch}|{via.Host}:{via.Port}|{request.Method}"
            : $"{request.CallId}|{request.Headers.Get("CSeq")}|{request.From.Tag}";
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var call in _calls.Values)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await call.HangupAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
        await _channel.DisposeAsync().ConfigureAwait(false);
        Wheel.Dispose();
    }

    private sealed class ServerEntry
    {
        public volatile byte[]? Response;
        public string? Key;
        public SipUserAgent? Agent;
    }
}
