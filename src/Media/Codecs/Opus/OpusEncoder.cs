namespace Orchestrator.Media.Codecs.Opus;

/// <summary>
/// A libopus encoder for one stream. Encoder state must not be touched by two threads at once, so
/// every native call and the disposal take the instance's lock: a call from another thread, or a
/// disposal racing with a frame, waits instead of corrupting the state or freeing it under use.
/// </summary>
public sealed unsafe class OpusEncoder : IDisposable
{
    private readonly object _gate = new();
    /// <summary>RFC 6716 recommends 1275 bytes as the largest single-frame packet.</summary>
    public const int MaxPacketBytes = 1275;

    private readonly OpusEncoderHandle _handle;

    public OpusEncoder(int sampleRate = 48000, int channels = 1, bool voip = true)
    {
        _handle = OpusNative.EncoderCreate(sampleRate, channels, voip ? OpusNative.ApplicationVoip : OpusNative.ApplicationAudio, out int error);
        if (error != OpusNative.Ok || _handle.IsInvalid)
        {
            _handle.Dispose();
            throw new OpusException(error, "opus_encoder_create");
        }
        SampleRate = sampleRate;
        Channels = channels;
        if (voip) Ctl(OpusNative.SetSignalRequest, OpusNative.SignalVoice);
    }

    public int SampleRate { get; }
    public int Channels { get; }

    public int Bitrate
    {
        get
        {
            lock (_gate) return GetBitrate();
        }
        set => Ctl(OpusNative.SetBitrateRequest, value);
    }

    private int GetBitrate()
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        int result = OpusNative.EncoderCtl(_handle, OpusNative.GetBitrateRequest, out int value);
        if (result != OpusNative.Ok) throw new OpusException(result, "OPUS_GET_BITRATE");
        return value;
    }

    public void SetComplexity(int complexity) => Ctl(OpusNative.SetComplexityRequest, complexity);

    /// <summary>In-band FEC lets the receiver rebuild a lost frame from the next one.</summary>
    public void SetInbandFec(bool enabled, int expectedLossPercent = 10)
    {
        Ctl(OpusNative.SetInbandFecRequest, enabled ? 1 : 0);
        Ctl(OpusNative.SetPacketLossPercRequest, expectedLossPercent);
    }

    public void SetDtx(bool enabled) => Ctl(OpusNative.SetDtxRequest, enabled ? 1 : 0);

    /// <summary>Encodes one frame (2.5–60 ms of interleaved PCM) into <paramref name="destination"/>.</summary>
    public int Encode(ReadOnlySpan<short> pcm, Span<byte> destination)
    {
        if (pcm.Length % Channels != 0) throw new ArgumentException("PCM length must be a multiple of the channel count", nameof(pcm));
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return EncodeUnderGate(pcm, destination);
        }
    }

    private int EncodeUnderGate(ReadOnlySpan<short> pcm, Span<byte> destination)
    {
        fixed (short* input = pcm)
        fixed (byte* output = destination)
        {
            int result = OpusNative.Encode(_handle, input, pcm.Length / Channels, output, destination.Length);
            if (result < 0) throw new OpusException(result, "opus_encode");
            return result;
        }
    }

    public byte[] Encode(ReadOnlySpan<short> pcm)
    {
        Span<byte> buffer = stackalloc byte[MaxPacketBytes];
        int length = Encode(pcm, buffer);
        return buffer[..length].ToArray();
    }

    private void Ctl(int request, int value)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            int result = OpusNative.EncoderCtl(_handle, request, value);
            if (result != OpusNative.Ok) throw new OpusException(result, $"opus_encoder_ctl({request})");
        }
    }

    public void Dispose()
    {
        lock (_gate) _handle.Dispose();
    }
}
