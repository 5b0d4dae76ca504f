namespace Orchestrator.Media.Srtp;

public enum SrtpResult
{
    Ok,
    /// <summary>Shorter than a header plus tag, or the RTP header's CSRC/extension run past the end.</summary>
    MalformedPacket,
    /// <summary>The output buffer has no room for the tag (and SRTCP index).</summary>
    BufferTooSmall,
    AuthenticationFailed,
    ReplayedPacket,
    /// <summary>Older than the 64-packet replay window.</summary>
    PacketTooOld,
}
