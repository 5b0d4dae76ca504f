namespace Orchestrator.Speech.Vad;

/// <summary>Tuning of <see cref="EnergyVad"/>. Defaults suit 16 kHz telephone and browser audio.</summary>
public sealed record VadOptions
{
    /// <summary>A frame is speech when its energy exceeds the noise floor by this much.</summary>
    public double SpeechMarginDb { get; init; } = 9;

    /// <summary>Frames quieter than this (dBFS) are never speech, whatever the floor.</summary>
    public double AbsoluteThresholdDb { get; init; } = -50;

    /// <summary>
    /// Fricatives are quiet but noisy: a frame only this far above the floor still counts as speech
    /// when its zero-crossing rate is in the fricative range.
    /// </summary>
    public double FricativeMarginDb { get; init; } = 5;

    public double FricativeMinZeroCrossingRate { get; init; } = 0.3;

    /// <summary>Frames used to seed the noise floor; the call is assumed to start without speech.</summary>
    public int InitialFrames { get; init; } = 5;

    /// <summary>How fast the floor follows the level outside speech (per frame, 0–1).</summary>
    public double FloorRiseRate { get; init; } = 0.05;

    /// <summary>How fast it follows inside speech, so a lasting noise step is eventually learnt (~4 s).</summary>
    public double FloorRiseRateInSpeech { get; init; } = 0.005;

    /// <summary>Non-speech frames still reported as speech after speech, bridging short pauses.</summary>
    public int HangoverFrames { get; init; } = 4;
}
