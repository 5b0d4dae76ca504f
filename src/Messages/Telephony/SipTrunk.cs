namespace Orchestrator.Messages.Telephony;

/// <summary>
/// A SIP trunk (rest.md, Telephony): where phone calls are dialled through and with which
/// credentials and caller ID. <see cref="AuthPassword"/> is stored but never returned by the API.
/// </summary>
public sealed record SipTrunk
{
    public string Id { get; init; } = "";
    public string Name { get; init; } = "";

    /// <summary>host or host:port of the trunk's SIP server (port 5060 when absent).</summary>
    public string Server { get; init; } = "";

    /// <summary>The domain of the From and digest realm; the server's host when absent.</summary>
    public string? Domain { get; init; }

    public string Transport { get; init; } = SipTrunkTransports.Udp;
    public string? AuthUser { get; init; }
    public string? AuthPassword { get; init; }

    /// <summary>New calls per second through this trunk; null is unlimited.</summary>
    public double? CpsLimit { get; init; }

    /// <summary>Calls up at once through this trunk; null is unlimited.</summary>
    public int? MaxConcurrentCalls { get; init; }

    public string? FromUser { get; init; }
    public string? DisplayName { get; init; }
    public DateTimeOffset CreatedTime { get; init; }
    public DateTimeOffset LastUpdateTime { get; init; }
}

public static class SipTrunkTransports
{
    public const string Udp = "udp";
    public const string Tcp = "tcp";
    public static readonly string[] All = [Udp, Tcp];
}
