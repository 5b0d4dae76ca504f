namespace Orchestrator.Media;

/// <summary>
/// The one exception the media parsers throw for malformed input. Callers on the hot path use the
/// <c>TryParse</c> overloads instead; this exists for the convenience <c>Parse</c> methods so that
/// bad network input never surfaces as IndexOutOfRange or NullReference.
/// </summary>
public sealed class MediaParseException(string message) : FormatException(message);
