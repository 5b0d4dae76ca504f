namespace Orchestrator.Speech.Recognition;

/// <summary>
/// Every recognizer slot of the node is in use: the stream asked for is refused at once (the call
/// goes on without recognition) rather than loading models without bound.
/// </summary>
public sealed class RecognizersExhaustedException(int limit)
    : SpeechServiceException($"all {limit} speech recognizers of this node are in use; this call goes on without speech recognition " +
        "(raise Orchestrator:Speech:MaxRecognizers if the node has the memory)")
{
    public int Limit { get; } = limit;
}
