using System.Net;
using Orchestrator.Media.Dtls;
using Orchestrator.Media.Rtp;

namespace Orchestrator.Media.WebRtc;

/// <summary>How one <see cref="WebRtcPeer"/> binds, what it advertises, and its time limits.</summary>
public sealed record WebRtcPeerOptions
{
    /// <summary>Local address the UDP socket binds to.</summary>
    public IPAddress BindAddress { get; init; } = IPAddress.Any;

    /// <summary>Address put in the SDP candidate (node or public address behind NAT/Kubernetes).
    /// Defaults to <see cref="BindAddress"/>, which must then not be a wildcard.</summary>
    public IPAddress? AdvertisedAddress { get; init; }

    /// <summary>Inclusive port range to take a port from; 0/0 lets the OS choose.</summary>
    public int PortMin { get; init; }
    public int PortMax { get; init; }

    /// <summary>ICE nomination and DTLS must both be done this long after the answer is applied.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The call is failed when no valid connectivity check came for this long (RFC 7675).</summary>
    public TimeSpan ConsentTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan SenderReportInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Shared per process: generating a key pair per call is wasted work.</summary>
    public DtlsCertificate? Certificate { get; init; }

    /// <summary>Offer Opus besides PCMU (only when libopus loads). False offers PCMU only.</summary>
    public bool OfferOpus { get; init; } = Codecs.Opus.OpusLibrary.IsAvailable;

    public JitterBufferOptions JitterBuffer { get; init; } = new() { MaxDelayMs = 60 };

    /// <summary>Which remote addresses may talk to this peer at all; others are dropped unanswered
    /// (a network policy, or keeping a test on loopback).</summary>
    public Func<IPEndPoint, bool>? RemoteFilter { get; init; }

    public string Cname { get; init; } = "orchestrator";

    /// <summary>The thread that paces outbound audio; one for all calls by default.</summary>
    public MediaTickScheduler Scheduler { get; init; } = MediaTickScheduler.Shared;
}
