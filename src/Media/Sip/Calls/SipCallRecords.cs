using Orchestrator.Media.Sdp;
using Orchestrator.Media.Sip.Auth;
using Orchestrator.Media.Sip.Messages;

namespace Orchestrator.Media.Sip.Calls;

/// <summary>What to dial. Either <see cref="SdpOffer"/> or <see cref="Media"/> (whose port is offered) is needed.</summary>
public sealed record SipDialOptions
{
    public required SipUri Target { get; init; }
    public required SipUri From { get; init; }
    public string? DisplayName { get; init; }
    public SipCredentials? Credentials { get; init; }
    public TimeSpan RingTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public SessionDescription? SdpOffer { get; init; }

    /// <summary>Started on early media or answer, re-targeted on re-INVITE, disposed when the call ends.</summary>
    public Rtp.RtpSession? Media { get; init; }

    /// <summary>Extra headers for the INVITE (e.g. P-Asserted-Identity).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];
}

/// <summary>The answer to a dial: answered with a negotiated codec, or why not.</summary>
public sealed record SipDialResult(SipCallOutcome Outcome, int? StatusCode, string Detail, RtpAvpNegotiation? Negotiation = null)
{
    public bool IsAnswered => Outcome == SipCallOutcome.Answered;
    public string Reason => Outcome.ToReason();
}

/// <summary>A provisional response: 100, 180, or 183 (with the early-media negotiation when it carried SDP).</summary>
public sealed record SipCallProgress(int StatusCode, string ReasonPhrase, RtpAvpNegotiation? EarlyMedia);

public enum SipCallEndedBy
{
    /// <summary>The dial never got to an answer (busy, no answer, rejected, failed, cancelled).</summary>
    NotConnected,
    Local,
    Remote,

    /// <summary>The BYE or the dialog failed (timeout, transport).</summary>
    Error,
}

public sealed record SipCallEnd(SipCallEndedBy By, string Detail);

public enum SipCallState
{
    Idle,
    Calling,
    Ringing,
    Answered,
    Ending,
    Ended,
}
