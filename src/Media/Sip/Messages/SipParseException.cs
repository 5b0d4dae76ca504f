namespace Orchestrator.Media.Sip.Messages;

/// <summary>
/// The only exception the SIP parsers throw for malformed input, so that a bad datagram from the
/// network can be logged and dropped without ever surfacing as a crash.
/// </summary>
public sealed class SipParseException(string message) : FormatException(message);
