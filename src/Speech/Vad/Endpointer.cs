namespace Orchestrator.Speech.Vad;

/// <summary>
/// Finds turns in a stream of frames: <see cref="EndpointEvent.SpeechStarted"/> once speech has lasted
/// <see cref="EndpointerOptions.MinSpeech"/> (dated back to its first frame), and
/// <see cref="EndpointEvent.SpeechEnded"/> once <see cref="EndpointerOptions.EndSilence"/> has passed
/// (dated to the last speech frame). Pure and deterministic; not thread-safe.
/// </summary>
public sealed class Endpointer
{
    private readonly EndpointerOptions _options;
    private readonly EnergyVad _vad;
    private readonly int _minSpeechFrames;
    private readonly int _endSilenceFrames;
    private readonly int _maxOnsetGapFrames;

    private long _frame = -1;
    private long _onsetStart = -1;   // first frame of a candidate onset
    private int _onsetSpeechFrames;
    private long _lastRawSpeech = -1;
    private long _speechStart = -1;  // set while in speech

    public Endpointer(EndpointerOptions? options = null)
    {
        _options = options ?? new EndpointerOptions();
        _vad = new EnergyVad(_options.Vad);
        _minSpeechFrames = Math.Max(1, Frames(_options.MinSpeech));
        _endSilenceFrames = Math.Max(1, Frames(_options.EndSilence));
        _maxOnsetGapFrames = Math.Max(0, Frames(_options.MaxOnsetGap));
    }

    public bool IsInSpeech => _speechStart >= 0;
    public long FramesProcessed => _frame + 1;
    public VadDecision LastDecision { get; private set; }

    /// <summary>Classifies the next frame; returns an event when a turn starts or ends on it.</summary>
    public EndpointEvent? Process(ReadOnlySpan<short> frame)
    {
        if (frame.Length != _options.FrameSamples)
            throw new ArgumentException($"expected a frame of {_options.FrameSamples} samples, got {frame.Length}", nameof(frame));
        _frame++;
        var decision = LastDecision = _vad.Process(frame);
        if (decision.IsRawSpeech) _lastRawSpeech = _frame;

        if (IsInSpeech)
        {
            if (_frame - _lastRawSpeech >= _endSilenceFrames)
            {
                long start = _speechStart;
                _speechStart = -1;
                _onsetStart = -1;
                _onsetSpeechFrames = 0;
                return new EndpointEvent.SpeechEnded(_lastRawSpeech, TimeOf(_lastRawSpeech + 1), TimeOf(_lastRawSpeech + 1) - TimeOf(start));
            }
            return null;
        }

        if (decision.IsRawSpeech)
        {
            if (_onsetStart < 0) _onsetStart = _frame;
            _onsetSpeechFrames++;
            if (_onsetSpeechFrames >= _minSpeechFrames)
            {
                _speechStart = _onsetStart;
                return new EndpointEvent.SpeechStarted(_onsetStart, TimeOf(_onsetStart));
            }
        }
        else if (_onsetStart >= 0 && _frame - _lastRawSpeech > _maxOnsetGapFrames)
        {
            _onsetStart = -1;
            _onsetSpeechFrames = 0;
        }
        return null;
    }

    public void Reset()
    {
        _vad.Reset();
        _frame = -1;
        _onsetStart = -1;
        _onsetSpeechFrames = 0;
        _lastRawSpeech = -1;
        _speechStart = -1;
    }

    private TimeSpan TimeOf(long frameIndex) => TimeSpan.FromTicks(frameIndex * _options.FrameDuration.Ticks);

    private int Frames(TimeSpan t) => (int)Math.Round(t.Ticks / (double)_options.FrameDuration.Ticks);
}
