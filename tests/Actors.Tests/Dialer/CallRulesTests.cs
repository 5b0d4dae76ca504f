using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Orchestrator.Actors.Dialer.Scheduling;
using Orchestrator.Messages.Calls;

namespace Orchestrator.Actors.Tests.Dialer;

public class CallRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 4, 10, 0, 0, TimeSpan.Zero); // a Wednesday

    private static CallTiming Timing(TimeSpan? deadlineIn = null, DateTimeOffset? notBefore = null, string? zone = null) =>
        new(Now, Now + (deadlineIn ?? CallRules.DefaultDeadline), notBefore, zone);

    private static readonly CallSchedule NineToFiveUtc = ScheduleParser.Parse(JsonNode.Parse("""
        {"timezone": "UTC", "mon": [{"start": {"hour": 9}, "end": {"hour": 17}}], "tue": [{"start": {"hour": 9}, "end": {"hour": 17}}],
         "wed": [{"start": {"hour": 9}, "end": {"hour": 17}}], "thu": [{"start": {"hour": 9}, "end": {"hour": 17}}]}
        """)).Schedule!;

    private static readonly RetryPolicy BusyTwice =
        RetryPolicy.Parse(JsonNode.Parse("""{"maxAttempts": 3, "on": ["busy", "NO_ANSWER"], "backoffSeconds": [60, 600]}""")).Policy!;

    [Fact]
    public void A_new_call_is_queued_now_when_the_schedule_is_open()
    {
        var standing = CallRules.Schedule(Timing(), CallSchedule.Always, Now);
        Assert.Equal(new CallStanding(CallStatuses.Queued, Now), standing);
    }

    [Fact]
    public void Not_before_holds_the_call()
    {
        var standing = CallRules.Schedule(Timing(notBefore: Now.AddHours(2)), NineToFiveUtc, Now);
        Assert.Equal(Now.AddHours(2), standing.NextScheduleTime);
    }

    [Fact]
    public void Outside_the_hours_the_call_waits_for_the_opening()
    {
        var evening = Now.Date.AddHours(18);
        var standing = CallRules.Schedule(Timing(TimeSpan.FromDays(2)), NineToFiveUtc, new DateTimeOffset(evening, TimeSpan.Zero));
        Assert.Equal(new DateTimeOffset(Now.Date.AddDays(1).AddHours(9), TimeSpan.Zero), standing.NextScheduleTime);
    }

    [Fact]
    public void An_opening_after_the_deadline_cancels()
    {
        var thursdayEvening = new DateTimeOffset(2026, 3, 5, 18, 0, 0, TimeSpan.Zero);
        var call = new CallTiming(thursdayEvening, thursdayEvening.AddHours(48), null, null); // Friday to Saturday: closed
        Assert.Equal(new CallStanding(CallStatuses.Canceled, null, CancelReasons.Deadline), CallRules.Schedule(call, NineToFiveUtc, thursdayEvening));
    }

    [Fact]
    public void A_due_call_past_its_deadline_is_canceled_and_an_open_one_runs()
    {
        Assert.Equal(CancelReasons.Deadline, CallRules.WhenDue(Timing(TimeSpan.FromMinutes(1)), NineToFiveUtc, Now.AddMinutes(1)).CancelReason);
        Assert.Equal(CallStatuses.Running, CallRules.WhenDue(Timing(), NineToFiveUtc, Now).Status);
        var closed = CallRules.WhenDue(Timing(), NineToFiveUtc, Now.Date.AddHours(20));
        Assert.Equal(CallStatuses.Queued, closed.Status);
        Assert.Equal(new DateTimeOffset(Now.Date.AddDays(1).AddHours(9), TimeSpan.Zero), closed.NextScheduleTime);
    }

    [Theory]
    [InlineData("agent_ended", CallStatuses.Completed)]
    [InlineData("callee_hangup", CallStatuses.Completed)]
    [InlineData("max_duration", CallStatuses.Completed)]
    [InlineData("rejected", CallStatuses.Failed)] // not in `on`
    [InlineData("error", CallStatuses.Failed)]
    public void Answered_completes_and_unlisted_outcomes_fail(string outcome, string status) =>
        Assert.Equal(status, CallRules.AfterAttempt(Timing(), BusyTwice, CallSchedule.Always, 1, outcome, Now).Status);

    [Fact]
    public void Busy_is_retried_after_the_backoff_and_the_last_backoff_repeats()
    {
        var policy = RetryPolicy.Parse(JsonNode.Parse("""{"maxAttempts": 5, "on": ["busy"], "backoffSeconds": [60, 600]}""")).Policy!;
        Assert.Equal(Now.AddSeconds(60), CallRules.AfterAttempt(Timing(), policy, CallSchedule.Always, 1, "busy", Now).NextScheduleTime);
        Assert.Equal(Now.AddSeconds(600), CallRules.AfterAttempt(Timing(), policy, CallSchedule.Always, 2, "busy", Now).NextScheduleTime);
        Assert.Equal(Now.AddSeconds(600), CallRules.AfterAttempt(Timing(), policy, CallSchedule.Always, 4, "busy", Now).NextScheduleTime);
        Assert.Equal(CallStatuses.Failed, CallRules.AfterAttempt(Timing(), policy, CallSchedule.Always, 5, "busy", Now).Status);
    }

    [Fact]
    public void A_retry_waits_for_the_schedule_and_is_canceled_past_the_deadline()
    {
        var late = new DateTimeOffset(2026, 3, 4, 16, 59, 30, TimeSpan.Zero);
        var retry = CallRules.AfterAttempt(new CallTiming(Now, Now.AddDays(1), null, null), BusyTwice, NineToFiveUtc, 1, "busy", late);
        Assert.Equal(new CallStanding(CallStatuses.Queued, new DateTimeOffset(2026, 3, 5, 9, 0, 0, TimeSpan.Zero)), retry);
        var tooLate = CallRules.AfterAttempt(new CallTiming(Now, late.AddSeconds(30), null, null), BusyTwice, CallSchedule.Always, 1, "busy", late);
        Assert.Equal(new CallStanding(CallStatuses.Canceled, null, CancelReasons.Deadline), tooLate);
    }

    [Fact]
    public void The_default_policy_is_one_attempt()
    {
        Assert.Equal(1, RetryPolicy.Default.MaxAttempts);
        Assert.Equal(CallStatuses.Failed, CallRules.AfterAttempt(Timing(), RetryPolicy.Default, CallSchedule.Always, 1, "busy", Now).Status);
    }

    [Theory]
    [InlineData("""{"maxAttempts": 0}""", "retry.maxAttempts")]
    [InlineData("""{"maxAttempts": 99}""", "retry.maxAttempts")]
    [InlineData("""{"on": ["busy", "sleepy"]}""", "retry.on[1]")]
    [InlineData("""{"on": "busy"}""", "retry.on")]
    [InlineData("""{"backoffSeconds": [60, -1]}""", "retry.backoffSeconds[1]")]
    [InlineData("""{"backoffSeconds": 60}""", "retry.backoffSeconds")]
    [InlineData("""{"tries": 3}""", "retry.tries")]
    [InlineData("""[3]""", "retry")]
    public void Bad_retry_policies_name_the_field(string json, string path)
    {
        var (policy, errors) = RetryPolicy.Parse(JsonNode.Parse(json));
        Assert.Null(policy);
        Assert.Contains(errors, e => e.Path == path);
    }

    [Property(MaxTest = 300)]
    public Property Attempts_never_exceed_max_and_retries_are_never_early() =>
        Prop.ForAll(Gen.Zip(Gen.Choose(1, 6), Gen.Choose(1, 8)).ToArbitrary(), Gen.Elements(RetryPolicy.UnansweredOutcomes).ToArbitrary(),
            Gen.ListOf(Gen.Choose(0, 3600)).ToArbitrary(),
            (counts, outcome, backoff) =>
            {
                var (max, attempt) = counts;
                var policy = new RetryPolicy(max, [outcome], backoff.ToList());
                var after = CallRules.AfterAttempt(Timing(TimeSpan.FromDays(7)), policy, CallSchedule.Always, attempt, outcome, Now);
                return after.Status == CallStatuses.Queued
                    ? attempt < max && after.NextScheduleTime >= Now + policy.BackoffAfter(attempt)
                    : after.Status == CallStatuses.Failed && attempt >= max;
            });
}
