namespace Orchestrator.Media.Codecs;

/// <summary>
/// An RTP audio codec as the media pipeline sees it: mono 16-bit PCM at <see cref="SampleRate"/>
/// in, payload bytes out, one frame per call. Stateful codecs (Opus) need one instance per stream
/// and direction; G.711 is stateless but follows the same contract.
/// </summary>
public interface IAudioCodec : IDisposable
{
    /// <summary>The SDP encoding name, e.g. "PCMU" or "opus".</summary>
    string Name { get; }

    /// <summary>The RTP clock rate (48000 for Opus even when the PCM rate differs).</summary>
    int ClockRate { get; }

    /// <summary>Channels as written in rtpmap (Opus is always "2" in SDP, RFC 7587).</summary>
    int SdpChannels { get; }

    byte PayloadType { get; }

    /// <summary>Rate of the PCM this codec consumes and produces.</summary>
    int SampleRate { get; }

    /// <summary>PCM samples in one 20 ms frame at <see cref="SampleRate"/>.</summary>
    int FrameSamples { get; }

    /// <summary>RTP timestamp increment per frame.</summary>
    int FrameTimestampIncrement => ClockRate / 50;

    byte[] Encode(ReadOnlySpan<short> pcm);

    short[] Decode(ReadOnlySpan<byte> payload);
}
