namespace Orchestrator.Media.Codecs.Opus;

/// <summary>
/// Opus as an <see cref="IAudioCodec"/>: mono PCM at 48 kHz, 960 samples per 20 ms, RTP clock 48000
/// and "opus/48000/2" in SDP (RFC 7587 always says two channels). Owns one encoder and one
/// decoder, so use one instance per call. They are created on first use and freed by Dispose; a frame
/// after Dispose throws <see cref="ObjectDisposedException"/> rather than creating them again.
/// </summary>
public sealed class OpusCodec : IAudioCodec
{
    public const byte DefaultPayloadType = 111;

    private readonly object _gate = new(); // guards creation and disposal, not the frames
    private readonly int _bitrate;
    private OpusEncoder? _encoder;
    private OpusDecoder? _decoder;
    private bool _disposed;

    public OpusCodec(byte payloadType = DefaultPayloadType, int bitrate = 32000)
    {
        PayloadType = payloadType;
        _bitrate = bitrate;
    }

    public string Name => "opus";
    public int ClockRate => 48000;
    public int SdpChannels => 2;
    public byte PayloadType { get; }
    public int SampleRate => 48000;
    public int FrameSamples => 960;

    public byte[] Encode(ReadOnlySpan<short> pcm) => Encoder().Encode(pcm);

    public short[] Decode(ReadOnlySpan<byte> payload) => Decoder().Decode(payload);

    private OpusEncoder Encoder()
    {
        if (Volatile.Read(ref _encoder) is { } encoder) return encoder;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _encoder ??= new OpusEncoder(48000, 1) { Bitrate = _bitrate };
        }
    }

    private OpusDecoder Decoder()
    {
        if (Volatile.Read(ref _decoder) is { } decoder) return decoder;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _decoder ??= new OpusDecoder(48000, 1);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _encoder?.Dispose(); // each waits for a frame in progress, then refuses further ones
            _decoder?.Dispose();
        }
    }
}
