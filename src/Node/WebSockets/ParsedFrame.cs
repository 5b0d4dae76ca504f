using Orchestrator.Messages.Protocol;

namespace Orchestrator.Node.WebSockets;

/// <summary>The outcome of reading one client text frame.</summary>
public abstract record ParsedFrame
{
    public sealed record Message(ClientMessage Value) : ParsedFrame;

    /// <summary>A type we do not know: answered with an error, the connection stays open.</summary>
    public sealed record UnknownType(string Type) : ParsedFrame;

    /// <summary>Unusable input: an error is sent, then the socket closes with <paramref name="CloseCode"/>.</summary>
    public sealed record Invalid(string Error, int CloseCode) : ParsedFrame;
}
