using Orchestrator.Actors.Ports;
using Orchestrator.Messages.Results;

namespace Orchestrator.Storage.Results;

/// <summary>Conversation results: written by conversations (an idempotent upsert), read by the REST API.</summary>
public interface IResultStore : IConversationResultStore
{
    Task<ConversationResult?> GetAsync(string conversationId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Expects a validated request (page ≥ 0, size 1..1000, a known sort field); see
    /// <see cref="ResultSearchFields"/>. Text search is case-insensitive over the transcript.
    /// </summary>
    Task<ResultSearchResponse> SearchAsync(ResultSearchRequest request, CancellationToken cancellationToken = default);
}
