using System.Net;
using Orchestrator.Media.WebRtc;

namespace Orchestrator.Actors.Voice;

/// <summary>How a node's web calls bind and advertise their media, and their time limits.</summary>
public sealed record MediaSettings
{
    /// <summary>Local address each call's UDP socket binds to.</summary>
    public IPAddress BindAddress { get; init; } = IPAddress.Loopback;

    /// <summary>Address put in the offer's candidate (the node's public or pod address behind NAT or
    /// Kubernetes). Null: <see cref="BindAddress"/>, which must then not be a wildcard.</summary>
    public IPAddress? AdvertisedAddress { get; init; }

    /// <summary>Inclusive UDP port range, one port per call; 0/0 lets the OS choose.</summary>
    public int PortMin { get; init; }
    public int PortMax { get; init; }

    /// <summary>ICE and DTLS must be done this long after the answer, or the call fails to open.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The call fails when the browser's connectivity checks stop for this long (RFC 7675).</summary>
    public TimeSpan ConsentTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Offer Opus besides PCMU when libopus is present.</summary>
    public bool OfferOpus { get; init; } = true;

    public WebRtcPeerOptions ToPeerOptions() => new()
    {
        BindAddress = BindAddress,
        AdvertisedAddress = AdvertisedAddress,
        PortMin = PortMin,
        PortMax = PortMax,
        ConnectTimeout = ConnectTimeout,
        ConsentTimeout = ConsentTimeout,
        OfferOpus = OfferOpus && Orchestrator.Media.Codecs.Opus.OpusLibrary.IsAvailable,
    };
}
