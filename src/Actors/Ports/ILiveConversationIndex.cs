namespace Orchestrator.Actors.Ports;

/// <summary>
/// The conversations that have started and whose result is not stored yet. After a node stops or
/// crashes, nothing else would wake a conversation whose socket never comes back; the reviver reads
/// this index and wakes each one, so it either resumes or ends with a stored result. All methods
/// are idempotent.
/// </summary>
public interface ILiveConversationIndex
{
    Task MarkLiveAsync(string conversationId, DateTimeOffset startedAt, CancellationToken cancellationToken = default);

    Task MarkFinishedAsync(string conversationId, CancellationToken cancellationToken = default);

    /// <summary>Live conversation ids in id order, after <paramref name="afterId"/> (keyset paging).</summary>
    Task<IReadOnlyList<string>> ListLiveAsync(string? afterId, int limit, CancellationToken cancellationToken = default);
}
