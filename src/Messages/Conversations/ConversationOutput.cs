using System.Text.Json.Nodes;
using Orchestrator.Messages.Results;

namespace Orchestrator.Messages.Conversations;

/// <summary>
/// What a conversation tells its socket. The socket actor turns each into protocol frames; the
/// entity knows nothing of the wire format.
/// </summary>
public abstract record ConversationOutput : IOrchestratorMessage
{
    public sealed record Connected(string ConversationId) : ConversationOutput;

    public sealed record Opened(string ConversationId) : ConversationOutput;

    public sealed record FailedOpen(string ConversationId, string Reason) : ConversationOutput;

    /// <summary>Web call: the server's complete SDP offer (sdpInvite).</summary>
    public sealed record SdpInvite(string Sdp) : ConversationOutput;

    /// <summary>A transcript line. Partial marks a still-changing recognition or fragment.</summary>
    public sealed record Utterance(string Source, string Text, bool Partial) : ConversationOutput;

    public sealed record ToolRequested(string Id, string ToolName, JsonObject Args) : ConversationOutput;

    public sealed record ToolFinished(string Id, string ToolName, JsonNode? Result, string Status) : ConversationOutput;

    /// <summary>A problem with the client's input; the connection stays open.</summary>
    public sealed record Error(string Message, string? Code = null) : ConversationOutput;

    /// <summary>The end: the result, then event closed, then close 1000.</summary>
    public sealed record Finished(ConversationResult Result) : ConversationOutput;

    /// <summary>Another socket took this conversation over (Resume); this one is closed.</summary>
    public sealed record Detached(string Reason) : ConversationOutput;
}
