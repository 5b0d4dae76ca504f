namespace Orchestrator.Speech.Audio;

/// <summary>
/// The pipeline's internal audio: 16-bit signed mono at 16 kHz, in 20 ms frames. Everything in this
/// assembly takes and gives audio in this form; conversion happens at the edges.
/// </summary>
public static class PcmFormat
{
    public const int SampleRate = 16_000;
    public const int FrameMilliseconds = 20;
    public const int FrameSamples = SampleRate * FrameMilliseconds / 1000; // 320

    public static TimeSpan DurationOf(int samples, int sampleRate = SampleRate) =>
        TimeSpan.FromTicks(samples * TimeSpan.TicksPerSecond / sampleRate);

    public static int SamplesIn(TimeSpan duration, int sampleRate = SampleRate) =>
        (int)(duration.Ticks * sampleRate / TimeSpan.TicksPerSecond);
}
