using System.Net;
using Orchestrator.Media.Sip.Messages;
using Orchestrator.Media.Sip.Transactions;
using Orchestrator.Media.Sip.Transport;

namespace Orchestrator.Media.Sip.Calls;

/// <summary>How a <see cref="SipUserAgent"/> binds, what it advertises, and its timers.</summary>
public sealed record SipUserAgentOptions
{
    public SipTransportKind Transport { get; init; } = SipTransportKind.Udp;
    public IPAddress BindAddress { get; init; } = IPAddress.Loopback;

    /// <summary>0 picks a free port.</summary>
    public int Port { get; init; }

    /// <summary>Host for Via and Contact when the bound address is not what peers can reach (NAT, 0.0.0.0).</summary>
    public string? AdvertisedHost { get; init; }

    public int? AdvertisedPort { get; init; }

    /// <summary>Address written in SDP c= lines; defaults to the advertised host when it is an IP, else the bind address.</summary>
    public IPAddress? MediaAddress { get; init; }

    /// <summary>Sends every out-of-dialog request here (a loose route) instead of to the target's host.</summary>
    public SipUri? OutboundProxy { get; init; }

    public SipTimerOptions Timers { get; init; } = SipTimerOptions.Default;

    public string UserAgent { get; init; } = "Orchestrator";
}
