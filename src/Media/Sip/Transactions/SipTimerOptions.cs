namespace Orchestrator.Media.Sip.Transactions;

/// <summary>
/// The RFC 3261 §17 timer base values. Tests shrink <see cref="T1"/> to make retransmission and
/// timeout paths run in milliseconds; every derived timer scales with it.
/// </summary>
public sealed record SipTimerOptions
{
    public static readonly SipTimerOptions Default = new();

    /// <summary>Round-trip estimate; first retransmission interval.</summary>
    public TimeSpan T1 { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Cap on non-INVITE and 2xx retransmission intervals.</summary>
    public TimeSpan T2 { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>How long the network may hold a message; Timer K.</summary>
    public TimeSpan T4 { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>INVITE transaction timeout (Timer B) and non-INVITE timeout (Timer F).</summary>
    public TimeSpan TransactionTimeout => T1 * 64;

    /// <summary>Timer D: wait for final-response retransmissions after ACKing a failure (≥ 32 s on UDP).</summary>
    public TimeSpan TimerD => TransactionTimeout > TimeSpan.FromSeconds(32) ? TransactionTimeout : TimeSpan.FromSeconds(32);
}
