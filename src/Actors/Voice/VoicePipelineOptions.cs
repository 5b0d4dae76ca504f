namespace Orchestrator.Actors.Voice;

/// <summary>Timing of a voice session's listening and speaking; the defaults meet the bars.</summary>
public sealed record VoicePipelineOptions
{
    /// <summary>Speech this long starts a turn and barges in. Short, because it is most of the
    /// barge-in delay (the bar is playback stopped within 150 ms of the caller's onset).</summary>
    public TimeSpan MinSpeech { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Audio kept from before a turn is detected, so the recognizer hears its onset.</summary>
    public TimeSpan PreRoll { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>How often playback progress is checked while speaking (SpeechFinished latency).</summary>
    public TimeSpan PlaybackPoll { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Size of synthesis chunks; smaller means earlier first audio.</summary>
    public int SynthesisChunkMilliseconds { get; init; } = 40;
}
