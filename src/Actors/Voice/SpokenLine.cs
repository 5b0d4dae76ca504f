namespace Orchestrator.Actors.Voice;

/// <summary>A line being synthesised or played, with its place on the peer's playback axis
/// (samples at 16 kHz): [Start, End) once its first chunk is queued.</summary>
internal sealed class SpokenLine(int index, string text, bool interruptible)
{
    public int Index { get; } = index;
    public string Text { get; } = text;
    public bool Interruptible { get; } = interruptible;

    /// <summary>Identifies this line's synthesis, so chunks of a cut line are recognised and dropped.</summary>
    public long SynthesisId { get; set; }
    public CancellationTokenSource? Synthesis { get; set; }
    public bool SynthesisStarted => SynthesisId != 0;
    public bool SynthesisDone { get; set; }
    public bool SynthesisFailed { get; set; }

    public long? Start { get; set; }
    public long End { get; set; }
    public DateTimeOffset? StartedAt { get; set; }

    public long QueuedSamples => Start is long start ? End - start : 0;

    /// <summary>Samples of this line played once playback reached <paramref name="sent"/>.</summary>
    public long Played(long sent) => Start is long start ? Math.Clamp(sent - start, 0, End - start) : 0;

    /// <summary>
    /// The line's full length: what was synthesised, or while synthesis is still running an
    /// estimate from the text (espeak-ng speaks about 14 characters a second), so a line cut early
    /// does not count as mostly heard.
    /// </summary>
    public long ExpectedSamples(int sampleRate) =>
        SynthesisDone ? QueuedSamples : Math.Max(QueuedSamples, (long)(Text.Length / 14.0 * sampleRate));

    public void CancelSynthesis()
    {
        try { Synthesis?.Cancel(); } catch (ObjectDisposedException) { }
    }
}
