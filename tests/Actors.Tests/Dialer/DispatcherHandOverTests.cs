using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Orchestrator.Actors.Dialer;
using Orchestrator.Actors.Dialer.Gate;
using Orchestrator.Actors.Dialer.Ports;
using Orchestrator.Actors.Dialer.Scheduling;
using Orchestrator.Actors.Ports;
using Orchestrator.Messages.Agents;
using Orchestrator.Messages.Calls;
using Orchestrator.Messages.Conversations;
using Orchestrator.Messages.Results;
using Orchestrator.Messages.Telephony;

namespace Orchestrator.Actors.Tests.Dialer;

/// <summary>
/// The dispatcher keeps nothing the table lacks: a dispatcher that dies between claiming an attempt
/// and dialling it is followed by one (as after a singleton hand-over) that ends that attempt as
/// error and dials the retry, never the same attempt twice.
/// </summary>
public class DispatcherHandOverTests : TestKit
{
    private static readonly DateTimeOffset Created = DateTimeOffset.UtcNow;

    [Fact]
    public void A_new_dispatcher_resumes_from_the_table_and_never_dials_an_attempt_twice()
    {
        var queue = new TableQueue(new RetryPolicy(2, [FinishReasons.Error], [0]));
        queue.Add("c1");
        var gate = Sys.ActorOf(DialGateActor.Props(new DialGateSettings(), TimeProvider.System, warmUp: false));
        var fast = new DispatcherSettings { PollInterval = TimeSpan.FromMilliseconds(50), OrphanGrace = TimeSpan.Zero, AskTimeout = TimeSpan.FromSeconds(1) };

        // The first dispatcher claims attempt 1 and dies before any conversation starts.
        var firstRegion = CreateTestProbe();
        var first = Sys.ActorOf(CallDispatcher.Props(Round(queue, gate, firstRegion.Ref, fast), fast));
        var start1 = firstRegion.ExpectMsg<ConversationCommands.Start>();
        Assert.Equal((AttemptConversationIds.For("c1", 1), new CallAttempt("c1", 1)), (start1.ConversationId, start1.Call));
        Watch(first);
        Sys.Stop(first);
        ExpectTerminated(first);
        Assert.Equal((CallStatuses.Running, 1), queue.State("c1"));

        // Its successor asks whether attempt 1's conversation exists; it does not, so the attempt ends as error and is retried.
        var secondRegion = CreateTestProbe();
        Sys.ActorOf(CallDispatcher.Props(Round(queue, gate, secondRegion.Ref, fast), fast));
        var asked = secondRegion.FishForMessage(m => m is ConversationCommands.GetStatus, TimeSpan.FromSeconds(5));
        Assert.Equal(AttemptConversationIds.For("c1", 1), ((ConversationCommands.GetStatus)asked).ConversationId);
        secondRegion.Reply(new ConversationReplies.Status(((ConversationCommands.GetStatus)asked).ConversationId, false, false, null, 0, [], false));
        var start2 = (ConversationCommands.Start)secondRegion.FishForMessage(m => m is ConversationCommands.Start, TimeSpan.FromSeconds(5));
        secondRegion.Reply(new ConversationReplies.Started(start2.ConversationId));
        Assert.Equal(new CallAttempt("c1", 2), start2.Call);
        Assert.Equal("error", queue.Outcome("c1", 1));
        Assert.Equal([1, 2], queue.Claims("c1"));

        secondRegion.ExpectNoMsg(TimeSpan.FromMilliseconds(300)); // nothing else is started
    }

    private DispatchRound Round(TableQueue queue, IActorRef gate, IActorRef region, DispatcherSettings settings) =>
        new(queue, new Agents(), new NoCampaigns(), new Trunks(), gate, new ConversationStarter(region, settings.AskTimeout),
            new SilentNotifier(), settings, TimeProvider.System);

    /// <summary>The calls table in memory, with the store's claim and end-of-attempt rules.</summary>
    private sealed class TableQueue(RetryPolicy policy) : ICallQueue
    {
        private sealed record Row(string Status, int Attempts, DateTimeOffset? Next, List<int> Claims, Dictionary<int, string> Outcomes);
        private readonly Dictionary<string, Row> _rows = new();
        private readonly object _lock = new();

        public void Add(string id) { lock (_lock) _rows[id] = new Row(CallStatuses.Queued, 0, Created, [], []); }
        public (string, int) State(string id) { lock (_lock) return (_rows[id].Status, _rows[id].Attempts); }
        public string? Outcome(string id, int attempt) { lock (_lock) return _rows[id].Outcomes.GetValueOrDefault(attempt); }
        public List<int> Claims(string id) { lock (_lock) return [.. _rows[id].Claims]; }

        public Task<IReadOnlyList<DueCall>> PickDueAsync(DateTimeOffset now, int limit, DueCallFilter? skip = null, CancellationToken ct = default)
        {
            lock (_lock)
                return Task.FromResult<IReadOnlyList<DueCall>>(_rows.Where(r => r.Value.Status == CallStatuses.Queued && r.Value.Next <= now)
                    .Select(r => new DueCall(r.Key, "a1", null, "+1", 1, Created, Created.AddDays(1), null, null, r.Value.Attempts, new JsonObject()))
                    .Take(limit).ToList());
        }

        public Task<bool> ClaimAsync(string callId, int attemptsSoFar, DateTimeOffset now, CancellationToken ct = default)
        {
            lock (_lock)
            {
                var row = _rows[callId];
                if (row.Status != CallStatuses.Queued || row.Attempts != attemptsSoFar) return Task.FromResult(false);
                row.Claims.Add(attemptsSoFar + 1);
                _rows[callId] = row with { Status = CallStatuses.Running, Attempts = attemptsSoFar + 1, Next = null };
                return Task.FromResult(true);
            }
        }

        public Task<string?> EndAttemptAsync(string callId, int attempt, string outcome, DateTimeOffset now, CancellationToken ct = default)
        {
            lock (_lock)
            {
                var row = _rows[callId];
                if (row.Status != CallStatuses.Running || row.Attempts != attempt) return Task.FromResult<string?>(null);
                row.Outcomes[attempt] = outcome;
                var standing = CallRules.AfterAttempt(new CallTiming(Created, Created.AddDays(1), null, null), policy, CallSchedule.Always, attempt, outcome, now);
                _rows[callId] = row with { Status = standing.Status, Next = standing.NextScheduleTime };
                return Task.FromResult<string?>(standing.Status);
            }
        }

        public Task<IReadOnlyList<ClaimedAttempt>> ListClaimedAsync(DateTimeOffset claimedBefore, int limit, CancellationToken ct = default)
        {
            lock (_lock)
                return Task.FromResult<IReadOnlyList<ClaimedAttempt>>(_rows.Where(r => r.Value.Status == CallStatuses.Running)
                    .Select(r => new ClaimedAttempt(r.Key, r.Value.Attempts, AttemptConversationIds.For(r.Key, r.Value.Attempts), Created)).ToList());
        }

        public Task RescheduleAsync(string callId, DateTimeOffset next, CancellationToken ct = default) => Task.CompletedTask;
        public Task<IReadOnlyList<string>> CancelExpiredAsync(DateTimeOffset now, int limit, CancellationToken ct = default) => Task.FromResult<IReadOnlyList<string>>([]);
        public Task<bool> CancelQueuedAsync(string callId, string reason, CancellationToken ct = default) => Task.FromResult(false);
        public Task<IReadOnlyList<string>> CancelCampaignAsync(string campaignId, CancellationToken ct = default) => Task.FromResult<IReadOnlyList<string>>([]);
        public Task<DateTimeOffset?> NextDueTimeAsync(CancellationToken ct = default) => Task.FromResult<DateTimeOffset?>(null);
        public Task<int> CountRunningAsync(CancellationToken ct = default) => Task.FromResult(0);
    }

    private sealed class Agents : IDialerAgents
    {
        public Task<Agent?> FindAsync(string agentId, CancellationToken ct = default) =>
            Task.FromResult<Agent?>(new Agent { AgentId = agentId, Config = new AgentConfig { OutboundSipConfig = new JsonObject { ["trunkId"] = "t" } } });
    }

    private sealed class NoCampaigns : IDialerCampaigns
    {
        public Task<DialerCampaign?> FindAsync(string campaignId, CancellationToken ct = default) => Task.FromResult<DialerCampaign?>(null);
    }

    private sealed class Trunks : ISipTrunkDirectory
    {
        public Task<SipTrunk?> FindAsync(string trunkId, CancellationToken ct = default) =>
            Task.FromResult<SipTrunk?>(new SipTrunk { Id = trunkId, Name = "t", Server = "127.0.0.1", MaxConcurrentCalls = 10 });
    }

    private sealed class SilentNotifier : ICallLifecycleNotifier
    {
        public Task CanceledAsync(string callId, string reason, CancellationToken ct = default) => Task.CompletedTask;
        public Task FailedForGoodAsync(string callId, string lastOutcome, CancellationToken ct = default) => Task.CompletedTask;
        public Task<BeforeAttemptDecision> BeforeAttemptAsync(Orchestrator.Messages.Agents.Agent agent, DueCall call, int attempt, CancellationToken ct = default) =>
            Task.FromResult(BeforeAttemptDecision.Go);
    }
}
