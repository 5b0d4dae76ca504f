using System.Text.Json.Nodes;
using Akka.Actor;
using Orchestrator.Messages.Agents;
using Orchestrator.Messages.Calls;

namespace Orchestrator.Messages.Conversations;

/// <summary>What a conversation entity is asked to do. All are routed by conversation id.</summary>
public static class ConversationCommands
{
    /// <summary>
    /// Starts a conversation with a snapshot of its agent (a running conversation keeps the
    /// config it started with). Replies <see cref="ConversationReplies.Started"/> or
    /// <see cref="ConversationReplies.Rejected"/>.
    /// </summary>
    /// <param name="ClientTools">Tools the client runs (the web integration's list).</param>
    /// <param name="Socket">The socket actor that receives <see cref="ConversationOutput"/>s, if any.</param>
    /// <param name="Call">The queued call and attempt this conversation runs (the dialer's), if any.</param>
    public sealed record Start(
        string ConversationId,
        Agent Agent,
        string CallType,
        JsonObject AdditionalData,
        string? Endpoint,
        IReadOnlyList<string> ClientTools,
        IActorRef? Socket,
        CallAttempt? Call = null) : IWithConversationId, IOrchestratorMessage;

    /// <summary>
    /// Attaches a socket. <paramref name="Replay"/>: a Resume, so the socket is sent the
    /// connection and opened events and the transcript so far; otherwise a silent re-link of the
    /// same socket after the entity moved or restarted. Replies Attached or Rejected.
    /// </summary>
    public sealed record Attach(string ConversationId, string AgentId, IActorRef Socket, bool Replay)
        : IWithConversationId, IOrchestratorMessage;

    public sealed record UserMessage(string ConversationId, string Text) : IWithConversationId, IOrchestratorMessage;

    /// <summary>The client's SDP answer to the offer of a web call.</summary>
    public sealed record SdpAnswer(string ConversationId, string Sdp) : IWithConversationId, IOrchestratorMessage;

    public sealed record ToolResponse(string ConversationId, string ToolCallId, JsonNode? Result)
        : IWithConversationId, IOrchestratorMessage;

    /// <summary>The client ended the conversation (user_terminated).</summary>
    public sealed record Terminate(string ConversationId) : IWithConversationId, IOrchestratorMessage;

    /// <summary>
    /// Brings a conversation back into memory after its node stopped: it recovers from its journal
    /// and either resumes or ends. No reply.
    /// </summary>
    public sealed record Wake(string ConversationId) : IWithConversationId, IOrchestratorMessage;

    /// <summary>Asks for a summary of the live state; replies <see cref="ConversationReplies.Status"/>.</summary>
    public sealed record GetStatus(string ConversationId) : IWithConversationId, IOrchestratorMessage;
}

public static class ConversationReplies
{
    public sealed record Started(string ConversationId) : IOrchestratorMessage;

    public sealed record Attached(string ConversationId) : IOrchestratorMessage;

    public sealed record Rejected(string ConversationId, string Reason) : IOrchestratorMessage;

    public sealed record Status(
        string ConversationId, bool Exists, bool Ended, string? FinishReason, int TranscriptLength,
        IReadOnlyList<string> PendingToolCalls, bool SocketAttached) : IOrchestratorMessage;
}
