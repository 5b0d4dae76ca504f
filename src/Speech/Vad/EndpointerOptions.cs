namespace Orchestrator.Speech.Vad;

/// <summary>Turn-taking rules on top of the VAD.</summary>
public sealed record EndpointerOptions
{
    public int SampleRate { get; init; } = Audio.PcmFormat.SampleRate;
    public int FrameSamples { get; init; } = Audio.PcmFormat.FrameSamples;

    /// <summary>Silence after speech that ends the caller's turn.</summary>
    public TimeSpan EndSilence { get; init; } = TimeSpan.FromMilliseconds(700);

    /// <summary>Speech shorter than this (clicks, coughs, bumps) does not start a turn.</summary>
    public TimeSpan MinSpeech { get; init; } = TimeSpan.FromMilliseconds(120);

    /// <summary>Gaps this short inside a candidate onset do not reset it.</summary>
    public TimeSpan MaxOnsetGap { get; init; } = TimeSpan.FromMilliseconds(60);

    public VadOptions Vad { get; init; } = new();

    public TimeSpan FrameDuration => TimeSpan.FromTicks(FrameSamples * TimeSpan.TicksPerSecond / SampleRate);
}
