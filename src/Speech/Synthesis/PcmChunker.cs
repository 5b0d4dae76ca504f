using Orchestrator.Speech.Audio;

namespace Orchestrator.Speech.Synthesis;

/// <summary>Turns engine output (any rate, any block size) into 16 kHz chunks of a fixed size.</summary>
internal sealed class PcmChunker(int chunkSamples)
{
    private readonly List<short> _pending = new();
    private IPcmResampler? _resampler;

    public IEnumerable<short[]> Add(ReadOnlySpan<short> samples, int sampleRate)
    {
        if (sampleRate != PcmFormat.SampleRate)
        {
            if (_resampler is null || _resampler.InputRate != sampleRate) _resampler = PcmResampling.Create(sampleRate, PcmFormat.SampleRate);
            _pending.AddRange(_resampler.Process(samples));
        }
        else _pending.AddRange(samples.ToArray());

        var chunks = new List<short[]>();
        while (_pending.Count >= chunkSamples)
        {
            chunks.Add(_pending.GetRange(0, chunkSamples).ToArray());
            _pending.RemoveRange(0, chunkSamples);
        }
        return chunks;
    }

    public short[]? Flush()
    {
        if (_pending.Count == 0) return null;
        var last = _pending.ToArray();
        _pending.Clear();
        return last;
    }
}
