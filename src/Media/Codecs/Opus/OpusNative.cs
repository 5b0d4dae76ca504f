using System.Runtime.InteropServices;

namespace Orchestrator.Media.Codecs.Opus;

/// <summary>
/// P/Invoke surface of libopus (Debian <c>libopus0</c>). <c>opus_encoder_ctl</c> is variadic in C;
/// declaring one fixed overload per argument shape works on the x64/arm64 Linux ABIs for integer
/// arguments, which is all the requests used here take.
/// </summary>
internal static unsafe class OpusNative
{
    public const string Library = "libopus.so.0";

    public const int Ok = 0;
    public const int ApplicationVoip = 2048;
    public const int ApplicationAudio = 2049;
    public const int SetBitrateRequest = 4002;
    public const int GetBitrateRequest = 4003;
    public const int SetComplexityRequest = 4010;
    public const int SetInbandFecRequest = 4012;
    public const int SetPacketLossPercRequest = 4014;
    public const int SetDtxRequest = 4016;
    public const int SetSignalRequest = 4024;
    public const int SignalVoice = 3001;

    [DllImport(Library, EntryPoint = "opus_encoder_create")]
    public static extern OpusEncoderHandle EncoderCreate(int sampleRate, int channels, int application, out int error);

    [DllImport(Library, EntryPoint = "opus_encoder_destroy")]
    public static extern void EncoderDestroy(IntPtr encoder);

    [DllImport(Library, EntryPoint = "opus_encode")]
    public static extern int Encode(OpusEncoderHandle encoder, short* pcm, int frameSize, byte* data, int maxDataBytes);

    [DllImport(Library, EntryPoint = "opus_encoder_ctl")]
    public static extern int EncoderCtl(OpusEncoderHandle encoder, int request, int value);

    [DllImport(Library, EntryPoint = "opus_encoder_ctl")]
    public static extern int EncoderCtl(OpusEncoderHandle encoder, int request, out int value);

    [DllImport(Library, EntryPoint = "opus_decoder_create")]
    public static extern OpusDecoderHandle DecoderCreate(int sampleRate, int channels, out int error);

    [DllImport(Library, EntryPoint = "opus_decoder_destroy")]
    public static extern void DecoderDestroy(IntPtr decoder);

    [DllImport(Library, EntryPoint = "opus_decode")]
    public static extern int Decode(OpusDecoderHandle decoder, byte* data, int length, short* pcm, int frameSize, int decodeFec);

    [DllImport(Library, EntryPoint = "opus_strerror")]
    public static extern IntPtr StrError(int error);

    public static string Describe(int error)
    {
        try
        {
            return Marshal.PtrToStringAnsi(StrError(error)) ?? $"opus error {error}";
        }
        catch (DllNotFoundException)
        {
            return $"opus error {error}";
        }
    }
}
