namespace Orchestrator.Node.WebSockets;

/// <summary>Bound from "Orchestrator:WebSocket".</summary>
public sealed class WebSocketSettings
{
    public const string Section = "Orchestrator:WebSocket";

    /// <summary>Frames larger than this get "Too large message" and close 1009.</summary>
    public int MaxMessageBytes { get; set; } = 64 * 1024;

    /// <summary>How long a new socket may wait before sending initialize.</summary>
    public TimeSpan InitTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Frames queued for a slow client before it is disconnected.</summary>
    public int SendQueueLimit { get; set; } = 1024;
}
