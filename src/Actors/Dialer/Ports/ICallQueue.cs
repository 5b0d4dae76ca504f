using System.Text.Json.Nodes;
using Orchestrator.Actors.Dialer.Scheduling;

namespace Orchestrator.Actors.Dialer.Ports;

/// <summary>A queued call whose time has come, as the dispatcher reads it.</summary>
public sealed record DueCall(string CallId, string AgentId, string? CampaignId, string Endpoint, int Priority,
    DateTimeOffset CreatedTime, DateTimeOffset CallDeadline, DateTimeOffset? NotBefore, string? Timezone, int Attempts,
    JsonObject AdditionalData)
{
    public CallTiming Timing => new(CreatedTime, CallDeadline, NotBefore, Timezone);
}

/// <summary>An attempt claimed (Running) whose conversation may never have started.</summary>
public sealed record ClaimedAttempt(string CallId, int Attempt, string ConversationId, DateTimeOffset ClaimedAt);

/// <summary>
/// Agents and campaigns whose due calls a pick leaves out: found full, paused or disabled earlier in
/// the round, so the calls queued behind them (another campaign's, say) are reached.
/// </summary>
public sealed record DueCallFilter(IReadOnlySet<string> SkipAgents, IReadOnlySet<string> SkipCampaigns)
{
    public static readonly DueCallFilter None = new(new HashSet<string>(), new HashSet<string>());
    public bool Skips(string agentId, string? campaignId) =>
        SkipAgents.Contains(agentId) || (campaignId is not null && SkipCampaigns.Contains(campaignId));
}

/// <summary>The dispatcher's side of the queue: picking, claiming and ending attempts.</summary>
public interface ICallQueue
{
    /// <summary>
    /// Queued calls due at <paramref name="now"/>, in start order, at most <paramref name="limit"/>,
    /// leaving out those <paramref name="skip"/> names.
    /// </summary>
    Task<IReadOnlyList<DueCall>> PickDueAsync(DateTimeOffset now, int limit, DueCallFilter? skip = null,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Queued → Running with attempt <c>attempts + 1</c>, only if the call is still Queued with
    /// <paramref name="attemptsSoFar"/> attempts: true when this caller owns the attempt and may dial it.
    /// </summary>
    Task<bool> ClaimAsync(string callId, int attemptsSoFar, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Moves a queued call's next schedule time (the schedule changed since it was queued).</summary>
    Task RescheduleAsync(string callId, DateTimeOffset nextScheduleTime, CancellationToken cancellationToken = default);

    /// <summary>Cancels queued calls whose deadline has passed; returns their ids.</summary>
    Task<IReadOnlyList<string>> CancelExpiredAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default);

    /// <summary>Cancels one queued call (its deadline passed, its start webhook refused it); false when it was no longer queued.</summary>
    Task<bool> CancelQueuedAsync(string callId, string reason, CancellationToken cancellationToken = default);

    /// <summary>Cancels every waiting call of a campaign (campaign_canceled) in one transaction; returns their ids.</summary>
    Task<IReadOnlyList<string>> CancelCampaignAsync(string campaignId, CancellationToken cancellationToken = default);

    /// <summary>Running attempts claimed before <paramref name="claimedBefore"/>, oldest first.</summary>
    Task<IReadOnlyList<ClaimedAttempt>> ListClaimedAsync(DateTimeOffset claimedBefore, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ends a running attempt that never produced a result (its conversation never started) with
    /// <paramref name="outcome"/>; the retry policy decides what follows. Returns the call's new status,
    /// null when the attempt had already ended.
    /// </summary>
    Task<string?> EndAttemptAsync(string callId, int attempt, string outcome, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>The earliest next schedule time of any queued call, for sleeping until then.</summary>
    Task<DateTimeOffset?> NextDueTimeAsync(CancellationToken cancellationToken = default);

    /// <summary>Calls running now per agent, per campaign and in all (the gates' starting counts).</summary>
    Task<int> CountRunningAsync(CancellationToken cancellationToken = default);
}

/// <summary>The agents the dispatcher starts calls for (the agent store, seen from the actor side).</summary>
public interface IDialerAgents
{
    Task<Orchestrator.Messages.Agents.Agent?> FindAsync(string agentId, CancellationToken cancellationToken = default);
}

/// <summary>A campaign as the dispatcher needs it: whether it may start attempts, and its limits.</summary>
public sealed record DialerCampaign(string CampaignId, string Status, int Concurrency, double? CpsLimit);

/// <summary>The campaigns the dispatcher reads.</summary>
public interface IDialerCampaigns
{
    Task<DialerCampaign?> FindAsync(string campaignId, CancellationToken cancellationToken = default);
}
