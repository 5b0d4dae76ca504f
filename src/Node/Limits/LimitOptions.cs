namespace Orchestrator.Node.Limits;

/// <summary>
/// The abuse limits at the public edge, bound from "Orchestrator:Limits" and validated at start-up.
/// Defaults are generous for one honest client and tight enough that one token or address cannot
/// flood a node; the per-integration caps live on the integration itself (rest.md).
/// </summary>
public sealed class LimitOptions
{
    public const string Section = "Orchestrator:Limits";

    /// <summary>REST requests one API key may make per second, after a burst of <see cref="ApiKeyBurst"/>.</summary>
    public int ApiKeyRequestsPerSecond { get; set; } = 50;
    public int ApiKeyBurst { get; set; } = 200;

    /// <summary>HTTP requests (REST, pages, socket upgrades) one client address may make per second, after a burst.</summary>
    public int ClientRequestsPerSecond { get; set; } = 100;
    public int ClientBurst { get; set; } = 400;

    /// <summary>Conversation sockets one client address may open per minute (over it: <c>Rate limit exceeded</c>).</summary>
    public int ClientConnectionsPerMinute { get; set; } = 600;

    /// <summary>Bad tokens or keys one address may send per minute; beyond, it is refused until the minute is over.</summary>
    public int FailedAttemptsPerMinute { get; set; } = 30;

    /// <summary>User messages a socket may send at once, then <see cref="SocketMessagesPerSecond"/>.</summary>
    public int SocketMessageBurst { get; set; } = 10;
    public double SocketMessagesPerSecond { get; set; } = 1;

    /// <summary>Messages dropped for the rate in a row before the socket is closed (1008).</summary>
    public int SocketExcessBeforeClose { get; set; } = 10;

    /// <summary>Addresses of reverse proxies whose X-Forwarded-For is believed; none by default.</summary>
    public List<string> TrustedProxies { get; set; } = [];

    public IEnumerable<string> Validate()
    {
        if (ApiKeyRequestsPerSecond < 1 || ApiKeyBurst < 1) yield return "ApiKeyRequestsPerSecond and ApiKeyBurst must be at least 1.";
        if (ClientRequestsPerSecond < 1 || ClientBurst < 1) yield return "ClientRequestsPerSecond and ClientBurst must be at least 1.";
        if (ClientConnectionsPerMinute < 1) yield return "ClientConnectionsPerMinute must be at least 1.";
        if (FailedAttemptsPerMinute < 1) yield return "FailedAttemptsPerMinute must be at least 1.";
        if (SocketMessageBurst < 1 || SocketMessagesPerSecond <= 0) yield return "SocketMessageBurst must be at least 1 and SocketMessagesPerSecond above 0.";
        if (SocketExcessBeforeClose < 1) yield return "SocketExcessBeforeClose must be at least 1.";
        foreach (var proxy in TrustedProxies)
            if (!System.Net.IPAddress.TryParse(proxy, out _)) yield return $"TrustedProxies: '{proxy}' is not an IP address.";
    }
}
