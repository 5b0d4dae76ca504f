namespace Orchestrator.Speech.Audio;

/// <summary>A streaming mono 16-bit resampler: feed blocks in order, get the outputs they complete.</summary>
public interface IPcmResampler
{
    int InputRate { get; }
    int OutputRate { get; }
    short[] Process(ReadOnlySpan<short> input);
}
