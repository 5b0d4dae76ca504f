namespace Orchestrator.Speech.Audio;

/// <summary>Regroups audio arriving in arbitrary lengths into fixed frames (20 ms by default).</summary>
public sealed class FrameAccumulator(int frameSamples = PcmFormat.FrameSamples)
{
    private readonly short[] _frame = new short[frameSamples];
    private int _filled;

    public int FrameSamples => _frame.Length;

    /// <summary>Adds samples and calls <paramref name="onFrame"/> for each frame they complete.</summary>
    public void Add(ReadOnlySpan<short> samples, Action<short[]> onFrame)
    {
        while (!samples.IsEmpty)
        {
            int n = Math.Min(samples.Length, _frame.Length - _filled);
            samples[..n].CopyTo(_frame.AsSpan(_filled));
            _filled += n;
            samples = samples[n..];
            if (_filled == _frame.Length)
            {
                onFrame((short[])_frame.Clone());
                _filled = 0;
            }
        }
    }

    /// <summary>Returns the partial frame padded with silence, or null if there is none.</summary>
    public short[]? Flush()
    {
        if (_filled == 0) return null;
        var last = new short[_frame.Length];
        _frame.AsSpan(0, _filled).CopyTo(last);
        _filled = 0;
        return last;
    }
}
