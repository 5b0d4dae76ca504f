namespace Orchestrator.Speech.Recognition;

/// <summary>
/// Recognition of one caller's audio, utterance by utterance: push 16 kHz mono PCM, get partial
/// hypotheses through <see cref="PartialResult"/> (engines that cannot stream never raise it), and
/// the final one from <see cref="EndOfUtteranceAsync"/>, after which the next push starts a new
/// utterance. Calls are serialised internally, so a stream may be fed from one thread and ended
/// from another; dispose it to release the engine's resources.
/// </summary>
public interface IRecognitionStream : IDisposable
{
    /// <summary>Raised on the pushing thread when the partial hypothesis changes.</summary>
    event EventHandler<RecognitionResult>? PartialResult;

    void Push(ReadOnlySpan<short> pcm16k);

    Task<RecognitionResult> EndOfUtteranceAsync(CancellationToken cancellationToken = default);
}
