using System.Diagnostics;
using Orchestrator.Messages.Results;

namespace Orchestrator.Node.Observability;

/// <summary>
/// What one conversation socket records: the conversation counted active on this node while its
/// socket is here, and a span per turn (user turn → the agent's answer). Every turn of a conversation
/// is in one trace whichever node or socket carries it: the trace id is the conversation id.
/// </summary>
public sealed class SocketTelemetry
{
    private readonly Queue<(Activity? Span, long StartedAt)> _turns = new();
    private string _channel = CallTypes.Chat;
    private string? _conversationId;
    private bool _counted;
    private bool _ended;

    /// <summary>A conversation started (<paramref name="isNew"/>) or resumed on this socket.</summary>
    public void Joined(string conversationId, string? channel, bool isNew)
    {
        _conversationId = conversationId;
        _channel = channel ?? _channel;
        if (!isNew || _counted) return;
        _counted = true;
        OrchestratorMetrics.ConversationStarted(_channel);
    }

    public void UserTurn()
    {
        var span = _conversationId is null ? null : OrchestratorTracing.Source.StartActivity("turn", ActivityKind.Server, ParentOf(_conversationId));
        span?.SetTag("conversation.id", _conversationId);
        span?.SetTag("conversation.channel", _channel);
        _turns.Enqueue((span, Stopwatch.GetTimestamp()));
    }

    /// <summary>An answer from the agent closes the oldest open turn.</summary>
    public void AgentAnswered()
    {
        if (!_turns.TryDequeue(out var turn)) return;
        OrchestratorMetrics.TurnAnswered(_channel, Stopwatch.GetElapsedTime(turn.StartedAt));
        turn.Span?.Dispose();
    }

    public void Finished(ConversationResult result)
    {
        if (_ended) return;
        _ended = true;
        if (_counted) OrchestratorMetrics.ConversationEnded(_channel, result.FinishReason);
        _counted = false;
    }

    /// <summary>The socket is gone: the conversation (if it lives on) is no longer counted here.</summary>
    public void Stopped()
    {
        while (_turns.TryDequeue(out var turn)) turn.Span?.Dispose();
        if (_counted) OrchestratorMetrics.ConversationLeftNode(_channel);
        _counted = false;
    }

    private static ActivityContext ParentOf(string conversationId)
    {
        if (!Guid.TryParse(conversationId, out var id)) return default;
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes);
        return new ActivityContext(ActivityTraceId.CreateFromBytes(bytes), ActivitySpanId.CreateFromBytes(bytes[..8]), ActivityTraceFlags.Recorded);
    }
}
