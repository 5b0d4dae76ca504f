namespace Orchestrator.Media.Dtls;

/// <summary>The DTLS-SRTP handshake failed or timed out; the message says why, for the call's failure reason.</summary>
public sealed class DtlsHandshakeException(string message, Exception? inner = null) : Exception(message, inner);
