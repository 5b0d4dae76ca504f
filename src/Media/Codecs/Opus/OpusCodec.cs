namespace Orchestrator.Media.Codecs.Opus;

/// <summary>
/// Opus as an <see cref="IAudioCodec"/>: mono PCM at 48 kHz, 960 samples per 20 ms, RTP clock 48000
/// and "opus/48000/2" in SDP (RFC 7587 always says two channels). Owns one encoder and one
/// decoder, so use one instance per call.
/// </summary>
public sealed class OpusCodec : IAudioCodec
{
    public const byte DefaultPayloadType = 111;

    private readonly Lazy<OpusEncoder> _encoder;
    private readonly Lazy<OpusDecoder> _decoder;

    public OpusCodec(byte payloadType = DefaultPayloadType, int bitrate = 32000)
    {
        PayloadType = payloadType;
        _encoder = new(() => new OpusEncoder(48000, 1) { Bitrate = bitrate });
        _decoder = new(() => new OpusDecoder(48000, 1));
    }

    public string Name => "opus";
    public int ClockRate => 48000;
    public int SdpChannels => 2;
    public byte PayloadType { get; }
    public int SampleRate => 48000;
    public int FrameSamples => 960;

    public byte[] Encode(ReadOnlySpan<short> pcm) => _encoder.Value.Encode(pcm);

    public short[] Decode(ReadOnlySpan<byte> payload) => _decoder.Value.Decode(payload);

    public void Dispose()
    {
        if (_encoder.IsValueCreated) _encoder.Value.Dispose();
        if (_decoder.IsValueCreated) _decoder.Value.Dispose();
    }
}
