namespace Orchestrator.Messages;

/// <summary>
/// Marks every message and event that crosses a node boundary or reaches the journal, so the
/// serializer binding catches all of them and nothing falls back to Newtonsoft.
/// </summary>
public interface IOrchestratorMessage;

/// <summary>Routes a message to its conversation entity through the shard region.</summary>
public interface IWithConversationId
{
    string ConversationId { get; }
}
