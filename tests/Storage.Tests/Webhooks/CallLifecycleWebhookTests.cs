using System.Text.Json.Nodes;
using Orchestrator.Actors.Dialer.Scheduling;
using Orchestrator.Messages.Agents;
using Orchestrator.Messages.Calls;
using Orchestrator.Messages.Results;
using Orchestrator.Messages.Webhooks;
using Orchestrator.Storage.Calls;
using Orchestrator.Storage.Results;
using Orchestrator.Storage.Webhooks;

namespace Orchestrator.Storage.Tests.Webhooks;

/// <summary>
/// The dialer's own webhooks (rest.md, Webhooks): every cancel and every call that fails for good
/// writes its delivery in the transaction that records it, and wakes the sender.
/// </summary>
public sealed class CallLifecycleWebhookTests
{
    private sealed class Dialer : IAsyncDisposable
    {
        public required StorageDatabase Db { get; init; }
        public required Agent Agent { get; init; }
        public WebhookOutboxSignal Signal { get; } = new();
        public SqlCallStore Calls => new(Db.Dialect, Db.Time, Signal);
        public SqlResultStore Results => new(Db.Dialect, Db.Time, Signal);
        public SqlWebhookOutbox Outbox => new(Db.Dialect, Db.Time, Signal);
        public ValueTask DisposeAsync() => Db.DisposeAsync();

        public async Task<Call> QueueAsync(RetryPolicy? retry = null, string? campaign = null, TimeSpan? deadlineIn = null) =>
            (await Calls.CreateAsync(CallStoreTests.Call(Db, agent: Agent.AgentId, retry: retry, campaign: campaign, deadlineIn: deadlineIn))).Call;

        public async Task<List<JsonNode>> DeliveriesAsync(string type) =>
            (await Outbox.ListAsync(Agent.AgentId, null, 0, 1000)).Items.Where(d => d.Type == type)
            .Select(d => JsonNode.Parse(d.Body)!).ToList();

        public Task<bool> WasSignalledAsync() => Signal.WaitAsync(TimeSpan.Zero, CancellationToken.None);

        public ConversationResult ResultOf(Call call, int attempt, string finish) =>
            CallStoreTests.ResultOf(call.CallId, attempt, finish) with { AgentId = Agent.AgentId };
    }

    private static async Task<Dialer> OpenAsync(string provider)
    {
        var db = await StorageDatabase.CreateAsync(provider);
        var agent = await db.Agents.CreateAsync(new Agent
        {
            Name = "dialer", AdditionalData = new JsonObject { ["team"] = "sales" },
            Config = new AgentConfig { ResultWebhook = new WebhookConfig { Url = "https://hooks.example.com/r", Secret = "s" } },
        });
        return new Dialer { Db = db, Agent = agent };
    }

    [Theory, SqliteCase, PostgresCase]
    public async Task A_deleted_call_and_one_past_its_deadline_each_report_one_CallDeadLine(string provider)
    {
        await using var d = await OpenAsync(provider);
        var deleted = await d.QueueAsync();
        var expiring = await d.QueueAsync(deadlineIn: TimeSpan.FromMinutes(1));

        Assert.Equal(CancelOutcome.Canceled, (await d.Calls.CancelAsync(deleted.CallId, CancelReasons.Deleted)).Outcome);
        Assert.True(await d.WasSignalledAsync());
        await d.Calls.CancelAsync(deleted.CallId, CancelReasons.Deleted); // not waiting any more: nothing more
        d.Db.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal([expiring.CallId], await d.Calls.CancelExpiredAsync(d.Db.Time.GetUtcNow(), 10));

        var payloads = await d.DeliveriesAsync(WebhookTypes.CallDeadLine);
        Assert.Equal(2, payloads.Count);
        var byCall = payloads.ToDictionary(p => (string)p["callId"]!);
        Assert.Equal("deleted", (string?)byCall[deleted.CallId]["cancelReason"]);
        Assert.Equal("deadline", (string?)byCall[expiring.CallId]["cancelReason"]);
        Assert.All(payloads, p =>
        {
            Assert.Equal("CallDeadLineWebHookPayload", (string?)p["type"]);
            Assert.Equal("Canceled", (string?)p["status"]);
            Assert.Equal("Ada", (string?)p["callAdditionalData"]!["firstName"]);
            Assert.Equal("sales", (string?)p["agentAdditionalData"]!["team"]);
            Assert.Equal("+15550100", (string?)p["endpoint"]);
        });
    }

    [Theory, SqliteCase, PostgresCase]
    public async Task A_canceled_campaign_reports_each_waiting_call_once_and_not_its_running_one(string provider)
    {
        await using var d = await OpenAsync(provider);
        var waiting = new[] { await d.QueueAsync(campaign: "camp-1"), await d.QueueAsync(campaign: "camp-1"), await d.QueueAsync(campaign: "camp-1") };
        var running = await d.QueueAsync(campaign: "camp-1");
        var other = await d.QueueAsync(campaign: "camp-2");
        Assert.True(await d.Calls.ClaimAsync(running.CallId, 0, d.Db.Time.GetUtcNow()));

        var canceled = await d.Calls.CancelCampaignAsync("camp-1");

        Assert.Equal(waiting.Select(c => c.CallId).Order(), canceled.Order());
        Assert.True(await d.WasSignalledAsync());
        var payloads = await d.DeliveriesAsync(WebhookTypes.CallDeadLine);
        Assert.Equal(waiting.Select(c => c.CallId).Order(), payloads.Select(p => (string)p["callId"]!).Order());
        Assert.All(payloads, p =>
        {
            Assert.Equal("campaign_canceled", (string?)p["cancelReason"]);
            Assert.Equal("camp-1", (string?)p["campaignId"]);
        });
        Assert.Empty(await d.Calls.CancelCampaignAsync("camp-1"));
        Assert.Equal(3, (await d.DeliveriesAsync(WebhookTypes.CallDeadLine)).Count);
        Assert.Equal(CallStatuses.Queued, (await d.Calls.GetAsync(other.CallId))!.Status);
    }

    [Theory, SqliteCase, PostgresCase]
    public async Task A_busy_call_reports_one_failure_after_its_last_attempt_with_that_attempts_transcript(string provider)
    {
        await using var d = await OpenAsync(provider);
        var call = await d.QueueAsync(retry: new RetryPolicy(2, [FinishReasons.Busy], [0]));

        Assert.True(await d.Calls.ClaimAsync(call.CallId, 0, d.Db.Time.GetUtcNow()));
        await d.Results.SaveAsync(d.ResultOf(call, 1, FinishReasons.Busy));
        Assert.Empty(await d.DeliveriesAsync(WebhookTypes.Failed)); // a retry follows: nothing to report yet
        Assert.True(await d.Calls.ClaimAsync(call.CallId, 1, d.Db.Time.GetUtcNow()));
        await d.Results.SaveAsync(d.ResultOf(call, 2, FinishReasons.Busy));
        await d.Results.SaveAsync(d.ResultOf(call, 2, FinishReasons.Busy)); // the conversation's retried save

        var failed = Assert.Single(await d.DeliveriesAsync(WebhookTypes.Failed));
        Assert.Equal("FailedWebHookPayload", (string?)failed["type"]);
        Assert.Equal(call.CallId, (string?)failed["callId"]);
        Assert.Equal(AttemptConversationIds.For(call.CallId, 2), (string?)failed["conversationId"]);
        Assert.Equal("busy", (string?)failed["result"]!["finishReason"]);
        Assert.Equal("Hello Ada", (string?)failed["transcription"]![0]!["text"]);
        Assert.True(await d.WasSignalledAsync());
    }

    [Theory, SqliteCase, PostgresCase]
    public async Task An_orphaned_last_attempt_reports_a_failure_and_a_retry_past_the_deadline_a_CallDeadLine(string provider)
    {
        await using var d = await OpenAsync(provider);
        var orphan = await d.QueueAsync(retry: new RetryPolicy(1, [], [0]));
        var late = await d.QueueAsync(retry: new RetryPolicy(3, [FinishReasons.NoAnswer], [3600]), deadlineIn: TimeSpan.FromMinutes(30));

        Assert.True(await d.Calls.ClaimAsync(orphan.CallId, 0, d.Db.Time.GetUtcNow()));
        Assert.Equal(CallStatuses.Failed, await d.Calls.EndAttemptAsync(orphan.CallId, 1, FinishReasons.Error, d.Db.Time.GetUtcNow()));
        Assert.True(await d.WasSignalledAsync());
        Assert.True(await d.Calls.ClaimAsync(late.CallId, 0, d.Db.Time.GetUtcNow()));
        await d.Results.SaveAsync(d.ResultOf(late, 1, FinishReasons.NoAnswer)); // its retry would come after the deadline

        var failed = Assert.Single(await d.DeliveriesAsync(WebhookTypes.Failed));
        Assert.Equal((orphan.CallId, "error"), ((string)failed["callId"]!, (string)failed["result"]!["finishReason"]!));
        var deadline = Assert.Single(await d.DeliveriesAsync(WebhookTypes.CallDeadLine));
        Assert.Equal((late.CallId, "deadline"), ((string)deadline["callId"]!, (string)deadline["cancelReason"]!));
        Assert.Equal(CallStatuses.Canceled, (await d.Calls.GetAsync(late.CallId))!.Status);
    }
}
