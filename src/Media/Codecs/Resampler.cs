namespace Orchestrator.Media.Codecs;

/// <summary>
/// Streaming rational resampler (mono 16-bit) built as a polyphase windowed-sinc filter: upsample by
/// L, low-pass below the lower Nyquist, decimate by M, computing only the outputs that are kept.
/// Good for the 8/16/48 kHz ratios used here (at most ×6 either way). History is carried across
/// calls so frame-by-frame use has no seams; the filter adds a fixed delay of about 8 input periods
/// of the lower rate. Not thread-safe: one per stream.
/// </summary>
public sealed class Resampler
{
    private const int ZeroCrossings = 8;
    private const double Rolloff = 0.9;

    private readonly int _l;
    private readonly int _m;
    private readonly int _tapsPerPhase;
    private readonly float[] _phases; // phase p's taps at [p * K, (p + 1) * K)
    private float[] _buffer;          // history (K-1 samples) followed by the current input
    private long _position;           // next output, in upsampled units, relative to this block's first input

    public Resampler(int inputRate, int outputRate)
    {
        if (inputRate <= 0 || outputRate <= 0) throw new ArgumentOutOfRangeException(nameof(inputRate), "rates must be positive");
        InputRate = inputRate;
        OutputRate = outputRate;
        int gcd = Gcd(inputRate, outputRate);
        _l = outputRate / gcd;
        _m = inputRate / gcd;
        if (_l > 64 || _m > 64) throw new ArgumentException($"ratio {outputRate}/{inputRate} is too fine for this resampler");

        int factor = Math.Max(_l, _m);
        double cutoff = 0.5 / factor * Rolloff; // cycles per upsampled sample
        int length = (int)Math.Ceiling(2 * ZeroCrossings * factor / Rolloff) | 1;
        _tapsPerPhase = (length + _l - 1) / _l;
        int total = _tapsPerPhase * _l;
        double center = (length - 1) / 2.0;
        var prototype = new double[total];
        double sum = 0;
        for (int i = 0; i < length; i++)
        {
            double x = i - center;
            double sinc = x == 0 ? 2 * cutoff : Math.Sin(2 * Math.PI * cutoff * x) / (Math.PI * x);
            double window = 0.42 - 0.5 * Math.Cos(2 * Math.PI * i / (length - 1)) + 0.08 * Math.Cos(4 * Math.PI * i / (length - 1));
            prototype[i] = sinc * window;
            sum += prototype[i];
        }
        // Unity gain at DC after zero-stuffing needs the filter to sum to L.
        _phases = new float[total];
        for (int p = 0; p < _l; p++)
            for (int k = 0; k < _tapsPerPhase; k++)
                _phases[p * _tapsPerPhase + k] = (float)(prototype[p + k * _l] * _l / sum);
        _buffer = new float[_tapsPerPhase - 1];
    }

    public int InputRate { get; }
    public int OutputRate { get; }

    /// <summary>Resamples the next block; returns however many outputs it completes (≈ n·out/in).</summary>
    public short[] Process(ReadOnlySpan<short> input)
    {
        if (_l == 1 && _m == 1) return input.ToArray();
        int history = _tapsPerPhase - 1;
        int needed = history + input.Length;
        if (_buffer.Length < needed) Array.Resize(ref _buffer, needed);
        for (int i = 0; i < input.Length; i++) _buffer[history + i] = input[i];

        long end = (long)input.Length * _l;
        int count = _position >= end ? 0 : (int)((end - _position + _m - 1) / _m);
        var output = new short[count];
        for (int n = 0; n < count; n++, _position += _m)
        {
            int baseIndex = (int)(_position / _l);
            int phase = (int)(_position % _l);
            var taps = _phases.AsSpan(phase * _tapsPerPhase, _tapsPerPhase);
            int newest = history + baseIndex;
            float acc = 0;
            for (int k = 0; k < taps.Length; k++) acc += taps[k] * _buffer[newest - k];
            output[n] = (short)Math.Clamp(MathF.Round(acc), short.MinValue, short.MaxValue);
        }
        _position -= end;
        // Keep the newest K-1 samples for the next call.
        Array.Copy(_buffer, input.Length, _buffer, 0, history);
        return output;
    }

    /// <summary>One-shot convenience for a whole buffer.</summary>
    public static short[] Resample(ReadOnlySpan<short> input, int inputRate, int outputRate) =>
        new Resampler(inputRate, outputRate).Process(input);

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);
}
