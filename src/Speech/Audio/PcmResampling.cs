using Orchestrator.Media.Codecs;

namespace Orchestrator.Speech.Audio;

/// <summary>
/// Picks a resampler for a rate pair: the Media polyphase resampler for the small telephony ratios
/// (8/16/24/48 kHz), <see cref="FractionalResampler"/> for awkward ones such as espeak-ng's 22 050 Hz.
/// </summary>
public static class PcmResampling
{
    public static IPcmResampler Create(int inputRate, int outputRate)
    {
        if (inputRate <= 0 || outputRate <= 0) throw new ArgumentOutOfRangeException(nameof(inputRate), "rates must be positive");
        int gcd = Gcd(inputRate, outputRate);
        if (inputRate / gcd <= 64 && outputRate / gcd <= 64) return new MediaResampler(new Resampler(inputRate, outputRate));
        return new FractionalResampler(inputRate, outputRate);
    }

    /// <summary>Converts a whole buffer to the internal 16 kHz.</summary>
    public static short[] ToInternal(ReadOnlySpan<short> input, int inputRate) =>
        inputRate == PcmFormat.SampleRate ? input.ToArray() : Create(inputRate, PcmFormat.SampleRate).Process(input);

    /// <summary>Converts a whole 16 kHz buffer to another rate.</summary>
    public static short[] FromInternal(ReadOnlySpan<short> input, int outputRate) =>
        outputRate == PcmFormat.SampleRate ? input.ToArray() : Create(PcmFormat.SampleRate, outputRate).Process(input);

    public static short[] From8k(ReadOnlySpan<short> pcm8k) => ToInternal(pcm8k, 8_000);
    public static short[] To8k(ReadOnlySpan<short> pcm16k) => FromInternal(pcm16k, 8_000);
    public static short[] From48k(ReadOnlySpan<short> pcm48k) => ToInternal(pcm48k, 48_000);
    public static short[] To48k(ReadOnlySpan<short> pcm16k) => FromInternal(pcm16k, 48_000);

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);

    private sealed class MediaResampler(Resampler inner) : IPcmResampler
    {
        public int InputRate => inner.InputRate;
        public int OutputRate => inner.OutputRate;
        public short[] Process(ReadOnlySpan<short> input) => inner.Process(input);
    }
}
