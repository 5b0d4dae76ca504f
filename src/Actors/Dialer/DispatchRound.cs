using Akka.Actor;
using Orchestrator.Actors.Dialer.Ports;
using Orchestrator.Actors.Dialer.Scheduling;
using Orchestrator.Actors.Ports;
using Orchestrator.Messages.Agents;
using Orchestrator.Messages.Calls;
using Orchestrator.Messages.Results;

namespace Orchestrator.Actors.Dialer;

/// <summary>
/// What one round did, for the dispatcher to decide when to run the next: at once while batches fill,
/// at <paramref name="WakeAfter"/> when a CPS window held calls back (sooner than the poll), else at the poll.
/// </summary>
public sealed record RoundReport(int Started, int Due, bool BatchFull, TimeSpan? WakeAfter = null);

/// <summary>
/// One pass of the dispatcher over the queue, off the actor's thread (the database calls block on
/// SQLite): cancel calls past their deadline, end attempts whose conversation never started, then
/// start the due calls in queue order as far as the gate's limits allow. It reads everything from
/// the table and the gate, so any node's dispatcher can run the next round.
/// </summary>
public sealed class DispatchRound(
    ICallQueue queue, IDialerAgents agents, IDialerCampaigns campaigns, ISipTrunkDirectory trunks, IActorRef gate, ConversationStarter starter,
    ICallLifecycleNotifier notifier, DispatcherSettings settings, TimeProvider time)
{
    public async Task<RoundReport> RunAsync(bool checkOrphans, CancellationToken ct)
    {
        var began = time.GetTimestamp();
        var report = await RoundAsync(checkOrphans, ct).ConfigureAwait(false);
        DialerMetrics.Round(time.GetElapsedTime(began));
        return report;
    }

    private async Task<RoundReport> RoundAsync(bool checkOrphans, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        foreach (var id in await queue.CancelExpiredAsync(now, 500, ct).ConfigureAwait(false))
            await notifier.CanceledAsync(id, CancelReasons.Deadline, ct).ConfigureAwait(false);
        if (checkOrphans) await EndOrphansAsync(now, ct).ConfigureAwait(false);

        var agentCache = new Dictionary<string, Agent?>();
        var campaignCache = new Dictionary<string, DialerCampaign?>();
        var blocked = new HashSet<string>(); // pools found full this round: later calls in them wait too
        TimeSpan? wakeAfter = null; // the soonest a CPS window that held a call back has room again
        HashSet<string> skipAgents = [], skipCampaigns = [];
        var skip = new DueCallFilter(skipAgents, skipCampaigns);
        var starts = new List<Task>();
        var dueCount = 0;
        var batchFull = false;
        // A page whose calls all wait (a full or paused campaign ahead in the queue) is read past: the next
        // page leaves those agents and campaigns out, so another campaign's calls are not stuck behind them.
        for (var page = 0; page < settings.PagesPerRound; page++)
        {
            var due = await queue.PickDueAsync(now, settings.BatchSize, skip, ct).ConfigureAwait(false);
            dueCount += due.Count;
            batchFull = due.Count >= settings.BatchSize;
            var startedBefore = starts.Count;
            foreach (var call in due)
            {
                if (skip.Skips(call.AgentId, call.CampaignId)) continue;
                if (!agentCache.TryGetValue(call.AgentId, out var agent))
                    agentCache[call.AgentId] = agent = await agents.FindAsync(call.AgentId, ct).ConfigureAwait(false);
                if (agent is null || !agent.IsEnabled)
                {
                    skipAgents.Add(call.AgentId); // a disabled agent's queued calls wait
                    continue;
                }
                DialerCampaign? campaign = null;
                if (call.CampaignId is { } campaignId)
                {
                    if (!campaignCache.TryGetValue(campaignId, out campaign))
                        campaignCache[campaignId] = campaign = await campaigns.FindAsync(campaignId, ct).ConfigureAwait(false);
                    if (campaign is not null && campaign.Status != "Active")
                    {
                        skipCampaigns.Add(campaignId); // a paused campaign starts no new attempts
                        continue;
                    }
                }
                var (start, held, retryAfter) = await TryStartAsync(agent, campaign, call, blocked, ct).ConfigureAwait(false);
                if (retryAfter is { } after && (wakeAfter is null || after < wakeAfter)) wakeAfter = after;
                if (start is not null) starts.Add(start);
                // Held by a full pool: its campaign's other calls wait too when that pool is the campaign's, else its agent's.
                if (held && campaign is not null && blocked.Contains(CampaignPool(campaign).Key)) skipCampaigns.Add(campaign.CampaignId);
                else if (held) skipAgents.Add(call.AgentId);
            }
            if (!batchFull || starts.Count > startedBefore) break; // the queue is read to its end, or this round made progress
        }
        await Task.WhenAll(starts).ConfigureAwait(false);
        return new RoundReport(starts.Count, dueCount, batchFull, wakeAfter);
    }

    /// <summary>
    /// One due call: canceled past its deadline, moved to its next schedule time, held by a full pool, or
    /// granted by the gate and started (the returned task); <c>Held</c> when a full pool holds it.
    /// </summary>
    private async Task<(Task? Started, bool Held, TimeSpan? RetryAfter)> TryStartAsync(Agent agent, DialerCampaign? campaign, DueCall call, HashSet<string> blocked, CancellationToken ct)
    {
        var schedule = ScheduleParser.Parse(agent.Schedule).Schedule ?? CallSchedule.Always;
        var standing = CallRules.WhenDue(call.Timing, schedule, time.GetUtcNow());
        if (standing.Status == CallStatuses.Canceled)
        {
            if (await queue.CancelQueuedAsync(call.CallId, CancelReasons.Deadline, ct).ConfigureAwait(false))
                await notifier.CanceledAsync(call.CallId, CancelReasons.Deadline, ct).ConfigureAwait(false);
            return (null, false, null);
        }
        if (standing.Status == CallStatuses.Queued)
        {
            await queue.RescheduleAsync(call.CallId, standing.NextScheduleTime!.Value, ct).ConfigureAwait(false);
            return (null, false, null);
        }

        var pools = await PoolsAsync(agent, campaign, ct).ConfigureAwait(false);
        if (pools.Any(p => blocked.Contains(p.Key))) return (null, true, null);
        var attempt = call.Attempts + 1;
        var leaseKey = AttemptConversationIds.For(call.CallId, attempt);
        var answer = await gate.Ask<DialGateAnswer>(new DialGateCommands.Reserve(leaseKey, pools), settings.AskTimeout, ct).ConfigureAwait(false);
        if (!answer.Granted)
        {
            DialerMetrics.HeldByLimit();
            // Keep the order within a pool: nothing behind a full pool starts before the call that waits for it.
            foreach (var p in pools) blocked.Add(p.Key);
            return (null, true, answer.Refusal == "cps" ? answer.RetryAfter : null);
        }
        return (StartAsync(agent, call, attempt, leaseKey, TrunkIdOf(agent), ct), false, null);
    }


    /// <summary>
    /// The start webhook (the call still Queued, as rest.md has it), then the claim, then the dial: calls
    /// run these in parallel, so one slow webhook does not hold up the round. A refused call is canceled
    /// (<c>start_webhook</c>) without an attempt.
    /// </summary>
    private async Task StartAsync(Agent agent, DueCall call, int attempt, string leaseKey, string? trunkId, CancellationToken ct)
    {
        var decision = await notifier.BeforeAttemptAsync(agent, call, attempt, ct).ConfigureAwait(false);
        if (!decision.Proceed)
        {
            gate.Tell(new DialGateCommands.Drop(leaseKey));
            var reason = decision.Reason ?? CancelReasons.StartWebhook;
            if (await queue.CancelQueuedAsync(call.CallId, reason, ct).ConfigureAwait(false))
                await notifier.CanceledAsync(call.CallId, reason, ct).ConfigureAwait(false);
            return;
        }
        if (!await queue.ClaimAsync(call.CallId, call.Attempts, time.GetUtcNow(), ct).ConfigureAwait(false))
        {
            gate.Tell(new DialGateCommands.Drop(leaseKey));
            return;
        }
        DialerMetrics.AttemptStarted(trunkId);
        var data = (System.Text.Json.Nodes.JsonObject)call.AdditionalData.DeepClone();
        foreach (var (key, value) in decision.AdditionalData ?? []) data[key] = value?.DeepClone();
        var (outcome, _) = await starter.StartAsync(agent, call, attempt, data, ct).ConfigureAwait(false);
        // Rejected: the conversation exists already, so this attempt was started before and its result will
        // record it. No answer: the orphan check decides later, from whether the conversation exists.
        if (outcome == ConversationStarter.Outcome.Rejected) gate.Tell(new DialGateCommands.Drop(leaseKey));
    }

    private static DialPool CampaignPool(DialerCampaign campaign) => DialPool.Campaign(campaign.CampaignId, campaign.Concurrency, campaign.CpsLimit);

    private static string? TrunkIdOf(Agent agent) =>
        agent.Config.OutboundSipConfig?["trunkId"]?.ToString() is { Length: > 0 } trunkId ? trunkId : null;

    private async Task<IReadOnlyList<DialPool>> PoolsAsync(Agent agent, DialerCampaign? campaign, CancellationToken ct)
    {
        var pools = new List<DialPool>();
        if (TrunkIdOf(agent) is { } trunkId
            && await trunks.FindAsync(trunkId, ct).ConfigureAwait(false) is { } trunk)
            pools.Add(DialPool.Trunk(trunk.Id, trunk.MaxConcurrentCalls, trunk.CpsLimit));
        if (agent.Config.MaxConcurrentCalls is int agentMax) pools.Add(DialPool.Agent(agent.AgentId, agentMax));
        if (campaign is not null) pools.Add(CampaignPool(campaign));
        return pools;
    }

    /// <summary>
    /// Attempts claimed long ago whose conversation does not exist were claimed by a dispatcher that
    /// died before it dialled: they end as <c>error</c> (the retry policy decides). Asking the
    /// conversation, not a list, is what makes this safe: one that started answers that it exists.
    /// </summary>
    private async Task EndOrphansAsync(DateTimeOffset now, CancellationToken ct)
    {
        foreach (var claim in await queue.ListClaimedAsync(now - settings.OrphanGrace, 100, ct).ConfigureAwait(false))
        {
            if (await starter.ExistsAsync(claim.ConversationId, ct).ConfigureAwait(false) is not false) continue;
            await EndWithoutConversationAsync(claim.CallId, claim.Attempt, FinishReasons.Error, ct).ConfigureAwait(false);
        }
    }

    private async Task EndWithoutConversationAsync(string callId, int attempt, string outcome, CancellationToken ct)
    {
        var status = await queue.EndAttemptAsync(callId, attempt, outcome, time.GetUtcNow(), ct).ConfigureAwait(false);
        if (status is not null) DialerMetrics.AttemptEnded(outcome);
        if (status == CallStatuses.Failed) await notifier.FailedForGoodAsync(callId, outcome, ct).ConfigureAwait(false);
        else if (status == CallStatuses.Canceled) await notifier.CanceledAsync(callId, CancelReasons.Deadline, ct).ConfigureAwait(false);
    }

}
