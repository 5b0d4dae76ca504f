namespace Orchestrator.Speech.Audio;

/// <summary>
/// Streaming resampler for any rate pair (windowed-sinc interpolation from a table of 256 fractional
/// phases, linearly interpolated). Slower than the Media polyphase one but has no ratio limit, which
/// TTS engines at 22 050 Hz need. Not thread-safe: one per stream.
/// </summary>
public sealed class FractionalResampler : IPcmResampler
{
    private const int HalfTaps = 16;
    private const int Phases = 256;
    private readonly double _step;          // input samples per output sample
    private readonly float[] _table;        // (Phases + 1) rows of 2*HalfTaps taps
    private float[] _buffer;                // 2*HalfTaps history then the current block
    private double _time;                   // next output position, in input samples, relative to buffer index HalfTaps*2

    public FractionalResampler(int inputRate, int outputRate)
    {
        if (inputRate <= 0 || outputRate <= 0) throw new ArgumentOutOfRangeException(nameof(inputRate), "rates must be positive");
        InputRate = inputRate;
        OutputRate = outputRate;
        _step = (double)inputRate / outputRate;
        double cutoff = Math.Min(1.0, (double)outputRate / inputRate) * 0.92; // fraction of input Nyquist
        const int taps = 2 * HalfTaps;
        _table = new float[(Phases + 1) * taps];
        for (int p = 0; p <= Phases; p++)
        {
            double frac = (double)p / Phases;
            double sum = 0;
            var row = new double[taps];
            for (int k = 0; k < taps; k++)
            {
                // Tap k weights input sample (floor(t) - HalfTaps + 1 + k); distance from t:
                double x = k - HalfTaps + 1 - frac;
                double sinc = x == 0 ? 1 : Math.Sin(Math.PI * cutoff * x) / (Math.PI * cutoff * x);
                double w = x / HalfTaps;
                double window = Math.Abs(w) >= 1 ? 0 : 0.42 + 0.5 * Math.Cos(Math.PI * w) + 0.08 * Math.Cos(2 * Math.PI * w);
                row[k] = sinc * window;
                sum += row[k];
            }
            for (int k = 0; k < taps; k++) _table[p * taps + k] = (float)(row[k] / sum);
        }
        _buffer = new float[taps];
        _time = HalfTaps; // starts inside the silent history: a fixed delay of HalfTaps input samples
    }

    public int InputRate { get; }
    public int OutputRate { get; }

    public short[] Process(ReadOnlySpan<short> input)
    {
        const int taps = 2 * HalfTaps;
        int history = taps;
        int total = history + input.Length;
        if (_buffer.Length < total) Array.Resize(ref _buffer, total);
        for (int i = 0; i < input.Length; i++) _buffer[history + i] = input[i];

        // An output at time t needs samples up to floor(t) + HalfTaps; t is relative to index 0 of the buffer.
        var output = new List<short>((int)(input.Length / _step) + 2);
        while (true)
        {
            int baseIndex = (int)Math.Floor(_time);
            if (baseIndex + HalfTaps >= total) break;
            double frac = _time - baseIndex;
            double pos = frac * Phases;
            int p = (int)pos;
            float mix = (float)(pos - p);
            int first = baseIndex - HalfTaps + 1;
            float a = 0, b = 0;
            int rowA = p * taps, rowB = (p + 1) * taps;
            for (int k = 0; k < taps; k++)
            {
                float s = _buffer[first + k];
                a += _table[rowA + k] * s;
                b += _table[rowB + k] * s;
            }
            float acc = a + (b - a) * mix;
            output.Add((short)Math.Clamp(MathF.Round(acc), short.MinValue, short.MaxValue));
            _time += _step;
        }
        // Keep the newest `taps` samples as history and shift the clock to match.
        Array.Copy(_buffer, total - history, _buffer, 0, history);
        _time -= input.Length;
        return output.ToArray();
    }
}
