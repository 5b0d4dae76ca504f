using Orchestrator.Messages.Results;

namespace Orchestrator.Actors.Ports;

/// <summary>
/// Where finished conversations' results go. The conversation actor keeps retrying until a save
/// succeeds, so implementations must be idempotent (an upsert by conversation id).
/// </summary>
public interface IConversationResultStore
{
    Task SaveAsync(ConversationResult result, CancellationToken cancellationToken = default);
}
