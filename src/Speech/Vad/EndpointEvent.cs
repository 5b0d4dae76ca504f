namespace Orchestrator.Speech.Vad;

/// <summary>What the endpointer reports. Times are from the first frame given to it.</summary>
public abstract record EndpointEvent(long FrameIndex, TimeSpan Time)
{
    /// <summary>Speech began at <see cref="EndpointEvent.FrameIndex"/> (reported once it has lasted the minimum).</summary>
    public sealed record SpeechStarted(long FrameIndex, TimeSpan Time) : EndpointEvent(FrameIndex, Time);

    /// <summary>Speech ended at the end of frame <see cref="EndpointEvent.FrameIndex"/> (reported after the end silence).</summary>
    public sealed record SpeechEnded(long FrameIndex, TimeSpan Time, TimeSpan SpeechDuration) : EndpointEvent(FrameIndex, Time);
}
