using Orchestrator.Media.Codecs;
using Orchestrator.Media.Codecs.Opus;

namespace Orchestrator.Media.Sdp;

/// <summary>The audio codec an offer/answer settled on, with the payload type to use on the wire.</summary>
public sealed record SdpCodec(string Name, int PayloadType, int ClockRate, int Channels, string? Fmtp = null)
{
    public bool IsOpus => Name.Equals("opus", StringComparison.OrdinalIgnoreCase);
    public bool IsPcmu => Name.Equals("PCMU", StringComparison.OrdinalIgnoreCase);
    public bool IsPcma => Name.Equals("PCMA", StringComparison.OrdinalIgnoreCase);

    /// <summary>A codec instance for this negotiation (Opus needs libopus at run time).</summary>
    public IAudioCodec CreateCodec() =>
        IsOpus ? new OpusCodec((byte)PayloadType)
        : IsPcmu ? new PcmuCodec()
        : IsPcma ? new PcmaCodec()
        : throw new NotSupportedException($"codec {Name} is not implemented");
}
