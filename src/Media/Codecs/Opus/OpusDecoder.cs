namespace Orchestrator.Media.Codecs.Opus;

/// <summary>
/// A libopus decoder for one stream. Its state and output buffer belong to one caller at a time:
/// decoding and disposal take the instance's lock (see <see cref="OpusEncoder"/>).
/// </summary>
public sealed unsafe class OpusDecoder : IDisposable
{
    private readonly object _gate = new();
    private readonly OpusDecoderHandle _handle;
    private readonly short[] _buffer;

    public OpusDecoder(int sampleRate = 48000, int channels = 1)
    {
        _handle = OpusNative.DecoderCreate(sampleRate, channels, out int error);
        if (error != OpusNative.Ok || _handle.IsInvalid)
        {
            _handle.Dispose();
            throw new OpusException(error, "opus_decoder_create");
        }
        SampleRate = sampleRate;
        Channels = channels;
        // A packet may carry up to 120 ms; size for the worst case so decode never truncates.
        _buffer = new short[sampleRate / 1000 * 120 * channels];
    }

    public int SampleRate { get; }
    public int Channels { get; }

    /// <summary>
    /// Decodes one packet. An empty payload asks libopus for packet-loss concealment of one 20 ms
    /// frame. Returns interleaved PCM.
    /// </summary>
    public short[] Decode(ReadOnlySpan<byte> payload, bool fec = false)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return DecodeUnderGate(payload, fec);
        }
    }

    private short[] DecodeUnderGate(ReadOnlySpan<byte> payload, bool fec)
    {
        int frameSize = payload.IsEmpty ? SampleRate / 50 : _buffer.Length / Channels;
        fixed (byte* input = payload)
        fixed (short* output = _buffer)
        {
            int samples = OpusNative.Decode(_handle, payload.IsEmpty ? null : input, payload.Length, output, frameSize, fec ? 1 : 0);
            if (samples < 0) throw new OpusException(samples, "opus_decode");
            return _buffer.AsSpan(0, samples * Channels).ToArray();
        }
    }

    public void Dispose()
    {
        lock (_gate) _handle.Dispose();
    }
}
