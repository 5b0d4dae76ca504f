using Orchestrator.Messages.Calls;

namespace Orchestrator.Storage.Calls;

/// <summary>The durable call queue: what the REST API writes and reads.</summary>
public interface ICallStore
{
    /// <summary>Creates the call, or returns the agent's earlier call with the same idempotency key.</summary>
    Task<CreatedCall> CreateAsync(NewCall call, CancellationToken cancellationToken = default);

    /// <summary>All or nothing, in one transaction; the result is in the order given.</summary>
    Task<IReadOnlyList<CreatedCall>> CreateManyAsync(IReadOnlyList<NewCall> calls, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates calls as they come (an upload read as it arrives), in one transaction: an exception from
    /// <paramref name="calls"/> adds nothing. Returns how many were new.
    /// </summary>
    Task<int> CreateStreamAsync(IAsyncEnumerable<NewCall> calls, CancellationToken cancellationToken = default);

    Task<Call?> GetAsync(string callId, CancellationToken cancellationToken = default);

    Task<PagedList<Call>> ListAsync(CallQuery query, CancellationToken cancellationToken = default);

    /// <summary>Cancels a call that has not started (Created or Queued); the call after it, if any.</summary>
    Task<(CancelOutcome Outcome, Call? Call)> CancelAsync(string callId, string reason, CancellationToken cancellationToken = default);

    /// <summary>Calls waiting (Created or Queued), cluster-wide.</summary>
    Task<int> CountWaitingAsync(CancellationToken cancellationToken = default);
}
