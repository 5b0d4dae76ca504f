using System.Net;
using Orchestrator.Media.Rtp;
using Orchestrator.Media.Sdp;
using Orchestrator.Media.Sip.Auth;
using Orchestrator.Media.Sip.Messages;
using Orchestrator.Media.Sip.Transactions;
using Orchestrator.Media.Timing;

namespace Orchestrator.Media.Sip.Calls;

/// <summary>
/// One outbound call: the INVITE (with digest retries), the dialog it creates (tags, CSeq, route
/// set, remote target), CANCEL or BYE to end it, and the far end's in-dialog requests (BYE,
/// re-INVITE, UPDATE, OPTIONS, INFO). State changes happen under one lock; events are raised after
/// it is released, from the UA's receive loop or a timer, so handlers must not block.
/// </summary>
public sealed class SipCall
{
    private readonly object _gate = new();
    private readonly SipUserAgent _agent;
    private readonly TaskCompletionSource<SipDialResult> _dialed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<SipCallEnd> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SipNameAddress _local;
    private readonly Dictionary<uint, byte[]> _acks = [];
    private readonly Dictionary<string, string> _authorization = [];
    private readonly HashSet<uint> _answeredReinvites = [];
    private readonly ulong _sdpSessionId = (ulong)Random.Shared.NextInt64(1, long.MaxValue);
    private SipNameAddress _remote;
    private SipUri _remoteTarget;
    private List<SipNameAddress> _routeSet = [];
    private bool _dialogConfirmed;
    private uint _cseq;
    private uint? _remoteCSeq;
    private SipRequest? _invite;
    private IPEndPoint? _firstHop;
    private bool _provisionalSeen, _cancelSent;
    private SipCallOutcome? _cancelOutcome;
    private int _authAttempts;
    private SessionDescription _localSdp = null!;
    private ulong _sdpVersion = 1;
    private WheelTimer? _ringTimer, _cancelTimer;
    private SipUri? _dialogHopUri;
    private Task<IPEndPoint>? _dialogHop;

    internal SipCall(SipUserAgent agent, SipDialOptions options)
    {
        if (options.SdpOffer is null && options.Media is null)
            throw new ArgumentException("a call needs an SDP offer or an RtpSession to offer", nameof(options));
        _agent = agent;
        Options = options;
        CallId = agent.NewCallId();
        LocalTag = SipUserAgent.NewTag();
        _local = new SipNameAddress(options.From.Clone(), options.DisplayName);
        _local.Tag = LocalTag;
        _remote = new SipNameAddress(options.Target.Clone());
        _remoteTarget = options.Target.Clone();
    }

    public SipDialOptions Options { get; }
    internal SipUserAgent Agent => _agent;
    public string CallId { get; }
    public string LocalTag { get; }
    public string? RemoteTag => _remote.Tag;
    public SipCallState State { get; private set; } = SipCallState.Idle;
    public RtpSession? Media => Options.Media;
    public RtpAvpNegotiation? Negotiation { get; private set; }
    public SessionDescription? RemoteSdp { get; private set; }
    public SipDialResult? Result => _dialed.Task.IsCompleted ? _dialed.Task.Result : null;

    /// <summary>Completes when the call is over, whoever ended it.</summary>
    public Task<SipCallEnd> Completion => _ended.Task;

    public event Action<SipCallProgress>? Progress;

    /// <summary>The far end hung up (BYE).</summary>
    public event Action<SipCallEnd>? Hungup;

    /// <summary>Every ending, including failed dials and our own hang-up.</summary>
    public event Action<SipCallEnd>? Ended;

    /// <summary>Sends the INVITE and completes with the answer or the mapped failure. Cancelling the token hangs up.</summary>
    public async Task<SipDialResult> DialAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (State != SipCallState.Idle) throw new InvalidOperationException("the call was already dialled");
            State = SipCallState.Calling;
        }
        try
        {
            _localSdp = Options.SdpOffer ?? SipSdp.BuildOffer(_agent.MediaAddress, Options.Media!.LocalEndPoint.Port, _sdpSessionId);
            _firstHop = await SipUserAgent.ResolveAsync(_agent.Options.OutboundProxy ?? Options.Target).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException)
        {
            Finish(new SipDialResult(SipCallOutcome.Failed, null, "cannot resolve target: " + ex.Message), SipCallEndedBy.NotConnected);
            return await _dialed.Task.ConfigureAwait(false);
        }
        lock (_gate)
            if (State is SipCallState.Calling or SipCallState.Ringing && Options.RingTimeout != Timeout.InfiniteTimeSpan)
                _ringTimer = _agent.Wheel.Schedule(Options.RingTimeout, static c => ((SipCall)c!).OnRingTimeout(), this);
        using var registration = cancellationToken.Register(() => _ = HangupAsync());
        await SendInviteAsync().ConfigureAwait(false);
        return await _dialed.Task.ConfigureAwait(false);
    }

    /// <summary>CANCEL while ringing (after the first provisional), BYE once answered; completes when the call has ended.</summary>
    public async Task HangupAsync(CancellationToken cancellationToken = default)
    {
        var after = new List<Action>();
        lock (_gate)
        {
            switch (State)
            {
                case SipCallState.Idle:
                    FinishLocked(new SipDialResult(SipCallOutcome.Cancelled, null, "hung up before dialling"), SipCallEndedBy.NotConnected, after);
                    break;
                case SipCallState.Calling or SipCallState.Ringing:
                    _cancelOutcome ??= SipCallOutcome.Cancelled;
                    if (_provisionalSeen) SendCancelLocked();
                    break;
                case SipCallState.Answered:
                    State = SipCallState.Ending;
                    SendByeLocked(SipCallEndedBy.Local, "hung up by us");
                    break;
            }
        }
        Run(after);
        await _ended.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    // ---- INVITE ----

    private async Task SendInviteAsync()
    {
        SipInviteClientTransaction transaction;
        lock (_gate)
        {
            _invite = CreateInvite();
            transaction = new SipInviteClientTransaction(_agent, _invite, _firstHop!)
            {
                ResponseReceived = OnInviteResponse,
                Failed = reason => OnInviteFailed(reason),
            };
        }
        await _agent.StartTransactionAsync(transaction).ConfigureAwait(false);
    }

    private SipRequest CreateInvite()
    {
        var invite = new SipRequest { Method = "INVITE", Uri = Options.Target.Clone() };
        invite.Headers.Add("Via", _agent.NewVia().ToString());
        invite.Headers.Add("Max-Forwards", "70");
        invite.Headers.Add("From", _local.ToString());
        invite.Headers.Add("To", new SipNameAddress(Options.Target.Clone()).ToString());
        invite.Headers.Add("Call-ID", CallId);
        invite.Headers.Add("CSeq", new SipCSeq(++_cseq, "INVITE").ToString());
        if (_agent.Options.OutboundProxy is { } proxy)
        {
            var route = proxy.Clone();
            route.Parameters.Set("lr", null);
            invite.Headers.Add("Route", $"<{route}>");
        }
        invite.Headers.Add("Contact", _agent.Contact(Options.From.User));
        invite.Headers.Add("Allow", SipUserAgent.Allow);
        if (!string.IsNullOrEmpty(_agent.Options.UserAgent)) invite.Headers.Add("User-Agent", _agent.Options.UserAgent);
        foreach (var (name, value) in _authorization) invite.Headers.Add(name, value);
        foreach (var (name, value) in Options.Headers) invite.Headers.Add(name, value);
        invite.SetBody("application/sdp", _localSdp.ToString());
        return invite;
    }

    internal void OnInviteResponse(SipResponse response)
    {
        var after = new List<Action>();
        bool resend = false;
        lock (_gate)
        {
            if (response.IsProvisional) OnProvisionalLocked(response, after);
            else if (response.IsSuccess) OnSuccessLocked(response, after);
            else resend = OnFailureLocked(response, after);
        }
        Run(after);
        if (resend) _ = SendInviteAsync();
    }

    private void OnProvisionalLocked(SipResponse response, List<Action> after)
    {
        if (State is not (SipCallState.Calling or SipCallState.Ringing)) return;
        _provisionalSeen = true;
        RtpAvpNegotiation? early = null;
        if (response.StatusCode > 100)
        {
            State = SipCallState.Ringing;
            if (response.HasSdp && Negotiation is null && TryReadSdp(response, out var negotiation, out _))
            {
                early = negotiation;
                Negotiation = negotiation;
                Media?.Start(negotiation);
            }
        }
        var progress = new SipCallProgress(response.StatusCode, response.ReasonPhrase, early);
        after.Add(() => Progress?.Invoke(progress));
        if (_cancelOutcome is not null) SendCancelLocked();
    }

    private void OnSuccessLocked(SipResponse response, List<Action> after)
    {
        uint number = response.CSeq.Number;
        if (_acks.TryGetValue(number, out var ack))
        {
            // A retransmitted 2xx: our ACK was lost, send the same one again.
            SendToDialogHopLocked(ack);
            return;
        }
        _ringTimer?.Cancel();
        if (!_dialogConfirmed)
        {
            _dialogConfirmed = true;
            _remote = response.To;
            if (response.Contact is { } contact) _remoteTarget = contact.Uri;
            var recordRoutes = response.RecordRoutes;
            recordRoutes.Reverse();
            _routeSet = recordRoutes;
        }
        var ackRequest = CreateInDialogRequest("ACK", number);
        ack = ackRequest.ToBytes();
        _acks[number] = ack;
        SendToDialogHopLocked(ack);

        if (State is SipCallState.Answered or SipCallState.Ending or SipCallState.Ended) return;
        if (_cancelOutcome is { } cancelled)
        {
            // The 2xx raced our CANCEL: the call exists now, so it takes an ACK and a BYE.
            State = SipCallState.Ending;
            _dialed.TrySetResult(new SipDialResult(cancelled, response.StatusCode, "answered after we gave up; sent BYE"));
            SendByeLocked(SipCallEndedBy.NotConnected, "answered after cancel");
            return;
        }
        if (!TryReadSdp(response, out var negotiation, out var error))
        {
            State = SipCallState.Ending;
            _dialed.TrySetResult(new SipDialResult(SipCallOutcome.Failed, response.StatusCode, error));
            SendByeLocked(SipCallEndedBy.NotConnected, error);
            return;
        }
        State = SipCallState.Answered;
        Negotiation = negotiation;
        Media?.Start(negotiation);
        _dialed.TrySetResult(new SipDialResult(SipCallOutcome.Answered, response.StatusCode, response.ReasonPhrase, negotiation));
    }

    /// <summary>Returns true when the INVITE should be re-sent with credentials.</summary>
    private bool OnFailureLocked(SipResponse response, List<Action> after)
    {
        if (State is SipCallState.Ended) return false;
        if (response.StatusCode is 401 or 407 && _cancelOutcome is null && Options.Credentials is { } credentials && _authAttempts < 2
            && TryAuthorize(response, credentials))
        {
            _authAttempts++;
            return true;
        }
        var outcome = _cancelOutcome ?? SipCallOutcomes.FromStatus(response.StatusCode);
        string detail = response.StatusCode is 401 or 407 ? $"authentication failed ({response.StatusCode})" : $"{response.StatusCode} {response.ReasonPhrase}";
        FinishLocked(new SipDialResult(outcome, response.StatusCode, detail), SipCallEndedBy.NotConnected, after);
        return false;
    }

    private bool TryAuthorize(SipResponse response, SipCredentials credentials)
    {
        bool proxy = response.StatusCode == 407;
        string challengeHeader = proxy ? "Proxy-Authenticate" : "WWW-Authenticate";
        foreach (var value in response.Headers.GetValues(challengeHeader))
        {
            if (!DigestChallenge.TryParse(value, out var challenge, out _)) continue;
            if (credentials.Realm is { } realm && realm != challenge.Realm) continue;
            _authorization[proxy ? "Proxy-Authorization" : "Authorization"] =
                DigestAuthenticator.CreateAuthorization(challenge, credentials, "INVITE", Options.Target.ToString());
            return true;
        }
        return false;
    }

    private void OnInviteFailed(string reason)
    {
        var after = new List<Action>();
        lock (_gate)
        {
            if (State is SipCallState.Calling or SipCallState.Ringing)
                FinishLocked(new SipDialResult(_cancelOutcome ?? SipCallOutcome.Failed, null, reason), SipCallEndedBy.NotConnected, after);
        }
        Run(after);
    }

    private void OnRingTimeout()
    {
        lock (_gate)
        {
            if (State is not (SipCallState.Calling or SipCallState.Ringing) || _cancelOutcome is not null) return;
            _cancelOutcome = SipCallOutcome.NoAnswer;
            // Without a provisional the CANCEL must wait (RFC 3261 §9.1); Timer B ends it otherwise.
            if (_provisionalSeen) SendCancelLocked();
        }
    }

    private void SendCancelLocked()
    {
        if (_cancelSent || _invite is null) return;
        _cancelSent = true;
        var cancel = new SipRequest { Method = "CANCEL", Uri = _invite.Uri };
        cancel.Headers.Add("Via", _invite.Headers.GetValues("Via")[0]);
        cancel.Headers.Add("Max-Forwards", "70");
        cancel.Headers.Add("From", _invite.Headers.Get("From")!);
        cancel.Headers.Add("To", _invite.Headers.Get("To")!);
        cancel.Headers.Add("Call-ID", CallId);
        cancel.Headers.Add("CSeq", new SipCSeq(_invite.CSeq.Number, "CANCEL").ToString());
        foreach (var route in _invite.Headers.GetValues("Route")) cancel.Headers.Add("Route", route);
        var transaction = new SipNonInviteClientTransaction(_agent, cancel, _firstHop!);
        _ = _agent.StartTransactionAsync(transaction);
        // If the far end never sends the 487, stop waiting after a transaction timeout.
        _cancelTimer = _agent.Wheel.Schedule(_agent.Timers.TransactionTimeout,
            static c => ((SipCall)c!).OnInviteFailed("no final response after CANCEL"), this);
    }

    // ---- dialog ----

    private SipRequest CreateInDialogRequest(string method, uint? cseq = null)
    {
        var (uri, routes) = RequestTargetAndRoutes();
        var request = new SipRequest { Method = method, Uri = uri };
        request.Headers.Add("Via", _agent.NewVia().ToString());
        request.Headers.Add("Max-Forwards", "70");
        request.Headers.Add("From", _local.ToString());
        request.Headers.Add("To", _remote.ToString());
        request.Headers.Add("Call-ID", CallId);
        request.Headers.Add("CSeq", new SipCSeq(cseq ?? ++_cseq, method).ToString());
        foreach (var route in routes) request.Headers.Add("Route", route.ToString());
        if (method is "INVITE" or "UPDATE") request.Headers.Add("Contact", _agent.Contact(Options.From.User));
        return request;
    }

    /// <summary>RFC 3261 §12.2.1.1: loose routing sends to the remote target via the routes; strict routing puts the first route in the Request-URI.</summary>
    private (SipUri Uri, List<SipNameAddress> Routes) RequestTargetAndRoutes()
    {
        if (_routeSet.Count == 0 || _routeSet[0].Uri.LooseRouting) return (_remoteTarget.Clone(), _routeSet);
        var routes = _routeSet.Skip(1).ToList();
        routes.Add(new SipNameAddress(_remoteTarget.Clone()));
        return (_routeSet[0].Uri.Clone(), routes);
    }

    /// <summary>
    /// Where in-dialog requests go: the first route, else the remote target. Those are normally IP
    /// literals from Contact/Record-Route; a host name is resolved asynchronously (never under the
    /// call's lock, which the receive loop takes) and the result kept until the hop changes. A name
    /// that does not resolve falls back to the INVITE's first hop.
    /// </summary>
    private Task<IPEndPoint> DialogHopLocked()
    {
        var hop = _routeSet.Count > 0 ? _routeSet[0].Uri : _remoteTarget;
        if (_dialogHop is not null && ReferenceEquals(hop, _dialogHopUri)) return _dialogHop;
        _dialogHopUri = hop;
        _dialogHop = IPAddress.TryParse(hop.HostAddress, out var address)
            ? Task.FromResult(new IPEndPoint(address, hop.PortOrDefault))
            : ResolveOrFirstHopAsync(hop);
        return _dialogHop;
    }

    private async Task<IPEndPoint> ResolveOrFirstHopAsync(SipUri hop)
    {
        try
        {
            return await SipUserAgent.ResolveAsync(hop).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException)
        {
            return _firstHop!;
        }
    }

    private void SendToDialogHopLocked(byte[] message)
    {
        var hop = DialogHopLocked();
        if (hop.IsCompletedSuccessfully) _ = _agent.SendAsync(message, hop.Result);
        else _ = SendWhenResolvedAsync(hop, message);
    }

    private async Task SendWhenResolvedAsync(Task<IPEndPoint> hop, byte[] message) =>
        await _agent.SendAsync(message, await hop.ConfigureAwait(false)).ConfigureAwait(false);

    private void SendByeLocked(SipCallEndedBy by, string detail)
    {
        var bye = CreateInDialogRequest("BYE");
        var hop = DialogHopLocked();
        if (hop.IsCompletedSuccessfully) StartBye(bye, hop.Result, by, detail);
        else _ = StartByeWhenResolvedAsync(bye, hop, by, detail);
    }

    private async Task StartByeWhenResolvedAsync(SipRequest bye, Task<IPEndPoint> hop, SipCallEndedBy by, string detail) =>
        StartBye(bye, await hop.ConfigureAwait(false), by, detail);

    private void StartBye(SipRequest bye, IPEndPoint destination, SipCallEndedBy by, string detail)
    {
        var transaction = new SipNonInviteClientTransaction(_agent, bye, destination);
        transaction.ResponseReceived = response =>
        {
            if (response.IsProvisional) return;
            End(by, detail);
        };
        transaction.Failed = reason => End(SipCallEndedBy.Error, "BYE failed: " + reason);
        _ = _agent.StartTransactionAsync(transaction);
    }

    internal async ValueTask OnRequestAsync(SipRequest request, IPEndPoint source)
    {
        var after = new List<Action>();
        SipResponse response;
        bool retransmitUntilAck = false;
        lock (_gate)
        {
            uint number = request.CSeq.Number;
            if (_remoteCSeq is uint last && number <= last && request.Method != "ACK")
            {
                response = SipUserAgent.CreateResponse(request, 500, "Server Internal Error", source);
                response.Headers.Add("Retry-After", "1");
            }
            else
            {
                _remoteCSeq = number;
                response = request.Method switch
                {
                    "BYE" => OnByeLocked(request, source, after),
                    "INVITE" or "UPDATE" => OnOfferLocked(request, source, out retransmitUntilAck),
                    "OPTIONS" or "INFO" or "NOTIFY" => Ok(request, source),
                    _ => SipUserAgent.CreateResponse(request, 405, "Method Not Allowed", source),
                };
                if (response.StatusCode == 405 || request.Method == "OPTIONS") response.Headers.Add("Allow", SipUserAgent.Allow);
            }
        }
        await _agent.RespondAsync(request, response, source).ConfigureAwait(false);
        if (retransmitUntilAck) RetransmitUntilAck(request.CSeq.Number, response.ToBytes(), source);
        Run(after);
    }

    private SipResponse Ok(SipRequest request, IPEndPoint source) => SipUserAgent.CreateResponse(request, 200, "OK", source);

    private SipResponse OnByeLocked(SipRequest request, IPEndPoint source, List<Action> after)
    {
        if (State is SipCallState.Answered or SipCallState.Ending)
        {
            var end = new SipCallEnd(SipCallEndedBy.Remote, "far end hung up");
            EndLocked(end, after);
            after.Insert(0, () => Hungup?.Invoke(end));
        }
        else if (State is SipCallState.Calling or SipCallState.Ringing)
        {
            FinishLocked(new SipDialResult(SipCallOutcome.Failed, null, "BYE before answer"), SipCallEndedBy.Remote, after);
        }
        return Ok(request, source);
    }

    /// <summary>A re-INVITE or UPDATE: answer its offer with our existing media address, or offer again if it had none.</summary>
    private SipResponse OnOfferLocked(SipRequest request, IPEndPoint source, out bool retransmitUntilAck)
    {
        retransmitUntilAck = false;
        if (State != SipCallState.Answered)
            return SipUserAgent.CreateResponse(request, request.Method == "INVITE" ? 491 : 200, request.Method == "INVITE" ? "Request Pending" : "OK", source);
        if (request.Contact is { } contact) _remoteTarget = contact.Uri;
        var localAudio = _localSdp.Media.First(m => m.Media == "audio");
        var address = IPAddress.TryParse((localAudio.Connection ?? _localSdp.Connection)?.Address, out var a) ? a : _agent.MediaAddress;
        SessionDescription body;
        if (request.HasSdp)
        {
            if (!SessionDescription.TryParse(request.BodyText, out var offer, out _)
                || !SipSdp.TryBuildAnswer(offer, address, localAudio.Port, _sdpSessionId, out body, out var negotiation, out _))
                return SipUserAgent.CreateResponse(request, 488, "Not Acceptable Here", source);
            RemoteSdp = offer;
            Negotiation = negotiation;
            Media?.Start(negotiation);
        }
        else body = SipSdp.BuildOffer(address, localAudio.Port, _sdpSessionId);
        body.Origin = body.Origin with { SessionId = _sdpSessionId, SessionVersion = ++_sdpVersion };
        var response = Ok(request, source);
        response.Headers.Add("Contact", _agent.Contact(Options.From.User));
        response.SetBody("application/sdp", body.ToString());
        if (request.Method == "INVITE")
        {
            retransmitUntilAck = !_agent.IsReliable;
            _answeredReinvites.Add(request.CSeq.Number);
        }
        return response;
    }

    internal void OnAck(SipRequest ack)
    {
        lock (_gate)
        {
            _answeredReinvites.Remove(ack.CSeq.Number);
            // An offer-less re-INVITE gets its answer in the ACK.
            if (ack.HasSdp && SessionDescription.TryParse(ack.BodyText, out var sdp, out _) && SipSdp.TryReadAnswer(sdp, out var negotiation, out _))
            {
                RemoteSdp = sdp;
                Negotiation = negotiation;
                Media?.Start(negotiation);
            }
        }
    }

    /// <summary>The UAS core retransmits a 2xx to INVITE until the ACK (RFC 3261 §13.3.1.4), on the agent's wheel.</summary>
    private void RetransmitUntilAck(uint cseq, byte[] response, IPEndPoint target)
    {
        var timers = _agent.Timers;
        var retransmission = new AckWait(this, cseq, response, target, timers.T1, _agent.Wheel.Now + timers.TransactionTimeout);
        _agent.Wheel.Schedule(retransmission.Interval, static w => ((AckWait)w!).OnTimer(), retransmission);
    }

    private sealed class AckWait(SipCall call, uint cseq, byte[] response, IPEndPoint target, TimeSpan interval, TimeSpan deadline)
    {
        public TimeSpan Interval { get; private set; } = interval;

        public void OnTimer()
        {
            var agent = call._agent;
            if (agent.Wheel.Now >= deadline) return;
            lock (call._gate)
                if (!call._answeredReinvites.Contains(cseq) || call.State == SipCallState.Ended) return;
            _ = agent.SendAsync(response, target);
            var t2 = agent.Timers.T2;
            Interval = Interval * 2 < t2 ? Interval * 2 : t2;
            agent.Wheel.Schedule(Interval, static w => ((AckWait)w!).OnTimer(), this);
        }
    }

    private bool TryReadSdp(SipMessage message, out RtpAvpNegotiation negotiation, out string error)
    {
        negotiation = null!;
        if (!message.HasSdp)
        {
            error = "answer has no SDP";
            return false;
        }
        if (!SessionDescription.TryParse(message.BodyText, out var sdp, out error)) return false;
        if (!SipSdp.TryReadAnswer(sdp, out negotiation, out error)) return false;
        RemoteSdp = sdp;
        return true;
    }

    // ---- endings ----

    private void Finish(SipDialResult result, SipCallEndedBy by)
    {
        var after = new List<Action>();
        lock (_gate) FinishLocked(result, by, after);
        Run(after);
    }

    private void FinishLocked(SipDialResult result, SipCallEndedBy by, List<Action> after)
    {
        _dialed.TrySetResult(result);
        EndLocked(new SipCallEnd(by, result.Detail), after);
    }

    private void End(SipCallEndedBy by, string detail)
    {
        var after = new List<Action>();
        lock (_gate) EndLocked(new SipCallEnd(by, detail), after);
        Run(after);
    }

    private void EndLocked(SipCallEnd end, List<Action> after)
    {
        if (State == SipCallState.Ended) return;
        State = SipCallState.Ended;
        _ringTimer?.Cancel();
        _cancelTimer?.Cancel();
        _dialed.TrySetResult(new SipDialResult(SipCallOutcome.Failed, null, end.Detail));
        _agent.Forget(this);
        after.Add(() =>
        {
            if (Media is { } media) _ = media.DisposeAsync().AsTask();
            _ended.TrySetResult(end);
            Ended?.Invoke(end);
        });
    }

    private static void Run(List<Action> actions)
    {
        foreach (var action in actions) action();
    }
}
