namespace Orchestrator.Media.Codecs;

/// <summary>PCMU (G.711 μ-law), static payload type 0, 8 kHz, 160 bytes per 20 ms.</summary>
public sealed class PcmuCodec : IAudioCodec
{
    public string Name => "PCMU";
    public int ClockRate => 8000;
    public int SdpChannels => 1;
    public byte PayloadType => 0;
    public int SampleRate => 8000;
    public int FrameSamples => 160;

    public byte[] Encode(ReadOnlySpan<short> pcm)
    {
        var bytes = new byte[pcm.Length];
        G711.MuLawEncode(pcm, bytes);
        return bytes;
    }

    public short[] Decode(ReadOnlySpan<byte> payload)
    {
        var pcm = new short[payload.Length];
        G711.MuLawDecode(payload, pcm);
        return pcm;
    }

    public void Dispose() { }
}

/// <summary>PCMA (G.711 A-law), static payload type 8, 8 kHz, 160 bytes per 20 ms.</summary>
public sealed class PcmaCodec : IAudioCodec
{
    public string Name => "PCMA";
    public int ClockRate => 8000;
    public int SdpChannels => 1;
    public byte PayloadType => 8;
    public int SampleRate => 8000;
    public int FrameSamples => 160;

    public byte[] Encode(ReadOnlySpan<short> pcm)
    {
        var bytes = new byte[pcm.Length];
        G711.ALawEncode(pcm, bytes);
        return bytes;
    }

    public short[] Decode(ReadOnlySpan<byte> payload)
    {
        var pcm = new short[payload.Length];
        G711.ALawDecode(payload, pcm);
        return pcm;
    }

    public void Dispose() { }
}
