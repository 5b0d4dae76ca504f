using System.Net;

namespace Orchestrator.Media.Rtp;

/// <summary>Where an <see cref="RtpSession"/> binds and how it plays out.</summary>
public sealed record RtpSessionOptions
{
    public IPAddress BindAddress { get; init; } = IPAddress.Loopback;

    /// <summary>Inclusive even-port range to pick the RTP port from; RTCP takes the odd port above it. 0/0 lets the OS choose.</summary>
    public int PortMin { get; init; }

    public int PortMax { get; init; }

    public JitterBufferOptions JitterBuffer { get; init; } = new();

    /// <summary>Keep the stream (and any NAT binding) alive with silence when there is nothing to say.</summary>
    public bool SendSilenceWhenIdle { get; init; } = true;

    /// <summary>Follow the source address of incoming RTP (symmetric RTP, RFC 4961) instead of the SDP's.</summary>
    public bool LatchToSource { get; init; } = true;

    /// <summary>
    /// Rate of the PCM the session takes and gives: 8000 (G.711's own) or 16000, the speech
    /// pipeline's rate, which the session resamples to and from so no layer above does.
    /// </summary>
    public int PcmSampleRate { get; init; } = 8000;

    /// <summary>
    /// Mean time between our RTCP reports; each wait is randomised to 0.5–1.5 × this (RFC 3550 §6.2)
    /// so calls started together do not report in step.
    /// </summary>
    public TimeSpan RtcpInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The threads that pace every call's audio; one per core by default, each call on one of them.</summary>
    public WebRtc.MediaTickScheduler Scheduler { get; init; } = WebRtc.MediaTickScheduler.Shared;
}
