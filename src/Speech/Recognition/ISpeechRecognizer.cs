namespace Orchestrator.Speech.Recognition;

/// <summary>A speech recognition engine. Thread-safe: any number of streams may be open at once.</summary>
public interface ISpeechRecognizer
{
    /// <summary>Opens a stream for one caller; the stream is for one thread at a time.</summary>
    IRecognitionStream CreateStream();
}
