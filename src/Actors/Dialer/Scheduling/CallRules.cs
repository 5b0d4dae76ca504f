using Orchestrator.Messages.Calls;
using Orchestrator.Messages.Results;

namespace Orchestrator.Actors.Dialer.Scheduling;

/// <summary>What the rules need to know about a call; all times are instants.</summary>
public sealed record CallTiming(DateTimeOffset CreatedTime, DateTimeOffset CallDeadline, DateTimeOffset? NotBefore, string? TimeZone);

/// <summary>Where a call stands once a rule has been applied.</summary>
public sealed record CallStanding(string Status, DateTimeOffset? NextScheduleTime, string? CancelReason = null);

/// <summary>
/// The pure scheduling rules of rest.md, Outbound calls: the first schedule time, whether a due
/// call may start, and what an ended attempt means for its call.
/// </summary>
public static class CallRules
{
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromHours(24);

    /// <summary>When a queued call may first (or next) start at or after <paramref name="from"/>; Canceled when not before its deadline.</summary>
    public static CallStanding Schedule(CallTiming call, CallSchedule schedule, DateTimeOffset from)
    {
        var earliest = call.NotBefore is { } nb && nb > from ? nb : from;
        var next = ScheduleRules.NextOpening(schedule, call.TimeZone, earliest);
        if (next is null || next >= call.CallDeadline)
            return new(CallStatuses.Canceled, null, CancelReasons.Deadline);
        return new(CallStatuses.Queued, next);
    }

    /// <summary>
    /// A call the dialer picked as due: Running (start it now), Queued again with a later time (the
    /// schedule changed since it was queued), or Canceled because its deadline passed.
    /// </summary>
    public static CallStanding WhenDue(CallTiming call, CallSchedule schedule, DateTimeOffset now)
    {
        if (now >= call.CallDeadline) return new(CallStatuses.Canceled, null, CancelReasons.Deadline);
        var standing = Schedule(call, schedule, now);
        return standing.NextScheduleTime == now ? new(CallStatuses.Running, now) : standing;
    }

    /// <summary>True when the finish reason means nobody answered (the attempt may be retried).</summary>
    public static bool IsUnanswered(string finishReason) =>
        RetryPolicy.UnansweredOutcomes.Contains(finishReason, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The call after its attempt number <paramref name="attempt"/> ended with <paramref name="finishReason"/>:
    /// Completed when answered; Queued again after the backoff when the policy retries that outcome and
    /// attempts remain; Canceled (deadline) when the retry could not start before the deadline;
    /// otherwise Failed.
    /// </summary>
    public static CallStanding AfterAttempt(CallTiming call, RetryPolicy policy, CallSchedule schedule,
        int attempt, string finishReason, DateTimeOffset now)
    {
        if (!IsUnanswered(finishReason)) return new(CallStatuses.Completed, null);
        if (!policy.RetriesOn(finishReason) || attempt >= policy.MaxAttempts) return new(CallStatuses.Failed, null);
        return Schedule(call, schedule, now + policy.BackoffAfter(attempt));
    }
}
