namespace Orchestrator.Media.Rtp;

/// <summary>
/// How long the jitter buffer waits for a missing packet before giving it up, and how many packets
/// it may hold. Contiguous packets are released as soon as they are in order; the depth is only
/// paid when there is a gap (or once at the start, to let the first packets sort themselves).
/// </summary>
public sealed record JitterBufferOptions
{
    /// <summary>Maximum time a packet waits behind a gap before the gap is declared lost.</summary>
    public int MaxDelayMs { get; init; } = 60;

    /// <summary>Upper bound on buffered packets; beyond it the oldest are released regardless of gaps.</summary>
    public int MaxPackets { get; init; } = 50;
}
