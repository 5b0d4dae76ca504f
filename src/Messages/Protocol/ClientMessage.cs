using System.Text.Json.Nodes;

namespace Orchestrator.Messages.Protocol;

/// <summary>A frame from a WebSocket client, already parsed from its envelope (protocol.md).</summary>
public abstract record ClientMessage
{
    public sealed record Initialize(string? CallType, JsonObject? AdditionalData, string? Endpoint, string? Resume) : ClientMessage;

    public sealed record IncomingChatMessage(string Content) : ClientMessage;

    public sealed record SdpAnswer(string Sdp) : ClientMessage;

    public sealed record WebsocketToolResponse(string Id, JsonNode? Result) : ClientMessage;

    public sealed record Terminate : ClientMessage;
}
