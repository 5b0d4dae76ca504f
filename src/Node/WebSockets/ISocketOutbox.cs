namespace Orchestrator.Node.WebSockets;

/// <summary>Where the socket actor writes: frames in order, then at most one close.</summary>
public interface ISocketOutbox
{
    void Send(byte[] frame);

    /// <summary>Sends what is queued, then closes with <paramref name="code"/>.</summary>
    void Close(int code, string reason);
}
