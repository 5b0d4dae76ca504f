namespace Orchestrator.Speech;

/// <summary>A speech engine or vendor failed; the message names the engine and what went wrong.</summary>
public class SpeechServiceException : Exception
{
    public SpeechServiceException(string message, int? statusCode = null, Exception? inner = null) : base(message, inner) =>
        StatusCode = statusCode;

    /// <summary>The HTTP status for vendor adapters, otherwise null.</summary>
    public int? StatusCode { get; }
}
