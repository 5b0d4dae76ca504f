using System.Runtime.InteropServices;

namespace Orchestrator.Speech.Recognition.Pocketsphinx;

/// <summary>One caller's decoder. Every native call happens under the stream's lock.</summary>
internal sealed class PocketsphinxStream : IRecognitionStream
{
    private readonly object _gate = new();
    private readonly PocketsphinxRecognizer _owner;
    private readonly int _partialIntervalSamples;
    private PocketsphinxDecoderHandle? _decoder;
    private bool _inUtterance;
    private long _utteranceSamples;
    private long _samplesSincePartial;
    private string _lastPartial = "";
    // The stream's own generator (fixed seed, so runs repeat): pocketsphinx's -dither uses a global one.
    private readonly Random? _dither;
    private short[] _dithered = [];

    public PocketsphinxStream(PocketsphinxDecoderHandle decoder, PocketsphinxRecognizer owner, TimeSpan partialInterval, bool dither)
    {
        _decoder = decoder;
        _dither = dither ? new Random(16_000) : null;
        _owner = owner;
        _partialIntervalSamples = Math.Max(1, Audio.PcmFormat.SamplesIn(partialInterval));
    }

    public event EventHandler<RecognitionResult>? PartialResult;

    public unsafe void Push(ReadOnlySpan<short> pcm16k)
    {
        if (pcm16k.IsEmpty) return;
        RecognitionResult? partial = null;
        lock (_gate)
        {
            var decoder = _decoder ?? throw new ObjectDisposedException(nameof(PocketsphinxStream));
            if (!_inUtterance)
            {
                Check(PocketsphinxNative.ps_start_utt(decoder), "ps_start_utt");
                _inUtterance = true;
                _utteranceSamples = 0;
                _samplesSincePartial = 0;
                _lastPartial = "";
            }
            ReadOnlySpan<short> input = _dither is null ? pcm16k : Dither(pcm16k);
            fixed (short* data = input)
                Check(PocketsphinxNative.ps_process_raw(decoder, data, (nuint)pcm16k.Length, 0, 0), "ps_process_raw");
            _utteranceSamples += pcm16k.Length;
            _samplesSincePartial += pcm16k.Length;

            if (_samplesSincePartial >= _partialIntervalSamples && PartialResult is not null)
            {
                _samplesSincePartial = 0;
                string text = Hypothesis(decoder);
                if (text.Length > 0 && text != _lastPartial)
                {
                    _lastPartial = text;
                    partial = new RecognitionResult(text, false, Audio.PcmFormat.DurationOf((int)_utteranceSamples));
                }
            }
        }
        // Outside the lock: a handler may push or end the utterance itself.
        if (partial is not null) PartialResult?.Invoke(this, partial);
    }

    public Task<RecognitionResult> EndOfUtteranceAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var decoder = _decoder ?? throw new ObjectDisposedException(nameof(PocketsphinxStream));
            if (!_inUtterance) return Task.FromResult(new RecognitionResult("", true, TimeSpan.Zero));
            Check(PocketsphinxNative.ps_end_utt(decoder), "ps_end_utt");
            _inUtterance = false;
            return Task.FromResult(new RecognitionResult(Hypothesis(decoder), true, Audio.PcmFormat.DurationOf((int)_utteranceSamples)));
        }
    }

    public void Dispose()
    {
        PocketsphinxDecoderHandle? decoder;
        lock (_gate)
        {
            decoder = _decoder;
            _decoder = null;
            if (decoder is not null && _inUtterance) PocketsphinxNative.ps_end_utt(decoder);
            _inUtterance = false;
        }
        if (decoder is not null) _owner.Return(decoder);
    }

    /// <summary>+1 LSB on about a quarter of the samples: enough that no frame is digitally silent.</summary>
    private ReadOnlySpan<short> Dither(ReadOnlySpan<short> pcm)
    {
        if (_dithered.Length < pcm.Length) _dithered = new short[pcm.Length];
        var output = _dithered.AsSpan(0, pcm.Length);
        for (int i = 0; i < pcm.Length; i++)
            output[i] = pcm[i] < short.MaxValue && _dither!.Next(4) == 0 ? (short)(pcm[i] + 1) : pcm[i];
        return output;
    }

    private static string Hypothesis(PocketsphinxDecoderHandle decoder)
    {
        IntPtr hyp = PocketsphinxNative.ps_get_hyp(decoder, out _);
        return hyp == IntPtr.Zero ? "" : (Marshal.PtrToStringUTF8(hyp) ?? "").Trim();
    }

    private static void Check(int rc, string call)
    {
        if (rc < 0) throw new SpeechServiceException($"pocketsphinx {call} failed ({rc})");
    }
}
