using Orchestrator.Messages.Calls;

namespace Orchestrator.Storage.Calls;

/// <summary>The durable call queue: what the REST API writes and reads.</summary>
public interface ICallStore
{
    /// <summary>Creates the call, or returns the agent's earlier call with the same idempotency key.</summary>
    Task<CreatedCall> CreateAsync(NewCall call, CancellationToken cancellationToken = default);

    /// <summary>All or nothing, in one transaction; the result is in the order given.</summary>
    Task<IReadOnlyList<CreatedCall>> CreateManyAsync(IReadOnlyList<NewCall> calls, CancellationToken cancellationToken = default);

    Task<Call?> GetAsync(string callId, CancellationToken cancellationToken = default);

    Task<PagedList<Call>> ListAsync(CallQuery query, CancellationToken cancellationToken = default);

    /// <summary>Cancels a call that has not started (Created or Queued); the call after it, if any.</summary>
    Task<(CancelOutcome Outcome, Call? Call)> CancelAsync(string callId, string reason, CancellationToken cancellationToken = default);

    /// <summary>Calls waiting (Created or Queued), cluster-wide.</summary>
    Task<int> CountWaitingAsync(CancellationToken cancellationToken = default);
}

/// <summary>The dispatcher's side of the queue: picking, claiming and ending attempts.</summary>
public interface ICallQueue
{
    /// <summary>Queued calls due at <paramref name="now"/>, in start order, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<DueCall>> PickDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Queued → Running with attempt <c>attempts + 1</c>, only if the call is still Queued with
    /// <paramref name="attemptsSoFar"/> attempts: true when this caller owns the attempt and may dial it.
    /// </summary>
    Task<bool> ClaimAsync(string callId, int attemptsSoFar, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Moves a queued call's next schedule time (the schedule changed since it was queued).</summary>
    Task RescheduleAsync(string callId, DateTimeOffset nextScheduleTime, CancellationToken cancellationToken = default);

    /// <summary>Cancels queued calls whose deadline has passed; returns their ids.</summary>
    Task<IReadOnlyList<string>> CancelExpiredAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default);

    /// <summary>Cancels one queued call (its deadline passed); false when it was no longer queued.</summary>
    Task<bool> CancelQueuedAsync(string callId, string reason, CancellationToken cancellationToken = default);

    /// <summary>Running attempts claimed before <paramref name="claimedBefore"/>, oldest first.</summary>
    Task<IReadOnlyList<ClaimedAttempt>> ListClaimedAsync(DateTimeOffset claimedBefore, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ends a running attempt that never produced a result (its conversation never started) with
    /// <paramref name="outcome"/>; the retry policy decides what follows. False when it had already ended.
    /// </summary>
    Task<bool> EndAttemptAsync(string callId, int attempt, string outcome, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>The earliest next schedule time of any queued call, for sleeping until then.</summary>
    Task<DateTimeOffset?> NextDueTimeAsync(CancellationToken cancellationToken = default);

    /// <summary>Calls running now per agent, per campaign and in all (the gates' starting counts).</summary>
    Task<int> CountRunningAsync(CancellationToken cancellationToken = default);
}
