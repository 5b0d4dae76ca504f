using System.Net;
using Orchestrator.Media.Sip.Messages;

namespace Orchestrator.Media.Sip.Transport;

/// <summary>A parsed message with the address it came from.</summary>
public sealed record SipInbound(SipMessage Message, IPEndPoint Remote);

/// <summary>
/// One SIP transport bound to a local address. Received messages are parsed before they reach the
/// handler; anything malformed is reported through <see cref="Malformed"/> and dropped.
/// </summary>
public interface ISipChannel : IAsyncDisposable
{
    SipTransportKind Kind { get; }

    bool IsReliable { get; }

    IPEndPoint LocalEndPoint { get; }

    /// <summary>What goes in Via and Contact: the configured public host, or the bound address.</summary>
    string AdvertisedHost { get; }

    int AdvertisedPort { get; }

    /// <summary>Called for each good message, on the channel's receive loop; the handler must not block.</summary>
    Func<SipInbound, ValueTask>? MessageReceived { get; set; }

    /// <summary>Reports dropped input: reason and sender.</summary>
    Action<string, IPEndPoint>? Malformed { get; set; }

    ValueTask SendAsync(byte[] data, IPEndPoint remote, CancellationToken cancellationToken = default);

    void Start();
}
