using System.Text.Json.Nodes;
using Orchestrator.Messages.Agents;
using Orchestrator.Messages.Results;
using Orchestrator.Messages.Webhooks;
using Orchestrator.Storage.Results;
using Orchestrator.Storage.Webhooks;

namespace Orchestrator.Storage.Tests.Webhooks;

public sealed class WebhookOutboxTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    private sealed class Outbox : IAsyncDisposable
    {
        public required StorageDatabase Db { get; init; }
        public WebhookOutboxSignal Signal { get; } = new();
        public SqlWebhookOutbox Store => new(Db.Dialect, Db.Time, Signal);
        public SqlResultStore Results => new(Db.Dialect, Db.Time, Signal);
        public ValueTask DisposeAsync() => Db.DisposeAsync();
    }

    private static async Task<Outbox> OpenAsync(string provider) => new() { Db = await StorageDatabase.CreateAsync(provider) };

    private static WebhookDelivery Delivery(StorageDatabase db, string id, string agent = "a1", int dueInSeconds = 0) => new()
    {
        DeliveryId = id, AgentId = agent, Type = WebhookTypes.Completed, Url = "http://127.0.0.1:9/hook",
        Headers = new() { ["X-Team"] = "sales" }, Secret = "k", Body = $$"""{"deliveryId":"{{id}}"}""",
        CreatedTime = db.Time.GetUtcNow(), NextAttemptTime = db.Time.GetUtcNow().AddSeconds(dueInSeconds),
    };

    private static async Task<Agent> AgentAsync(StorageDatabase db, WebhookConfig? webhook) =>
        await db.Agents.CreateAsync(new Agent
        {
            Name = "hooked", AdditionalData = new JsonObject { ["team"] = "sales" },
            Config = new AgentConfig { ResultWebhook = webhook },
        });

    private static ConversationResult Result(string id, string agentId, string status = ResultStatuses.Completed, string? callId = null) => new()
    {
        ConversationId = id, AgentId = agentId, Status = status, FinishReason = FinishReasons.AgentEnded, CallId = callId,
        Transcription = [new TranscriptEntry("user", "hello there", default, default)],
    };

    [Theory, SqliteCase, PostgresCase]
    public async Task A_delivery_written_in_a_transaction_exists_only_if_it_commits_and_only_once(string provider)
    {
        await using var o = await OpenAsync(provider);
        await using (var connection = o.Db.Dialect.CreateConnection())
        {
            await connection.OpenAsync();
            await using (var rolledBack = await connection.BeginTransactionAsync())
            {
                Assert.True(await WebhookOutboxSql.InsertAsync(o.Db.Dialect, connection, rolledBack, Delivery(o.Db, "d1")));
                await rolledBack.RollbackAsync();
            }
            Assert.Null(await o.Store.GetAsync("d1"));

            await using var committed = await connection.BeginTransactionAsync();
            Assert.True(await WebhookOutboxSql.InsertAsync(o.Db.Dialect, connection, committed, Delivery(o.Db, "d1")));
            Assert.False(await WebhookOutboxSql.InsertAsync(o.Db.Dialect, connection, committed, Delivery(o.Db, "d1") with { Body = "other" }));
            await committed.CommitAsync();
        }

        var stored = (await o.Store.GetAsync("d1"))!;
        Assert.Equal("""{"deliveryId":"d1"}""", stored.Body);
        Assert.Equal(WebhookDeliveryStatuses.Pending, stored.Status);
        Assert.Equal(0, stored.Attempts);
        Assert.Equal("sales", stored.Headers["X-Team"]);
        Assert.Equal("k", stored.Secret);
        Assert.Equal("a1", stored.AgentId);
        Assert.Equal(o.Db.Time.GetUtcNow(), stored.NextAttemptTime);
        Assert.Equal(1L, Convert.ToInt64(await o.Db.ScalarAsync("SELECT COUNT(*) FROM orch_webhook_deliveries")));
    }

    [Theory, SqliteCase, PostgresCase]
    public async Task Saving_a_result_writes_its_webhook_once_however_often_it_is_saved(string provider)
    {
        await using var o = await OpenAsync(provider);
        var agent = await AgentAsync(o.Db, new WebhookConfig { Url = "https://hooks.example.com/r", Secret = "shh", Headers = new() { ["X-A"] = "1" } });
        var result = Result("c1", agent.AgentId);

        await o.Results.SaveAsync(result);
        await o.Results.SaveAsync(result);
        o.Db.Time.Advance(TimeSpan.FromSeconds(5));
        await o.Results.SaveAsync(result);

        var page = await o.Store.ListAsync(null, null, 0, 100);
        var delivery = Assert.Single(page.Items);
        Assert.Equal(1, page.Total);
        Assert.Equal(WebhookDeliveryIds.ForConversation("c1", WebhookTypes.Completed), delivery.DeliveryId);
        Assert.Equal(WebhookTypes.Completed, delivery.Type);
        Assert.Equal("https://hooks.example.com/r", delivery.Url);
        Assert.Equal("shh", delivery.Secret);
        Assert.Equal("1", delivery.Headers["X-A"]);
        var body = JsonNode.Parse(delivery.Body)!;
        Assert.Equal(delivery.DeliveryId, (string?)body["deliveryId"]);
        Assert.Equal("c1", (string?)body["conversationId"]);
        Assert.Equal("sales", (string?)body["agentAdditionalData"]!["team"]);
        Assert.Equal("hello there", (string?)body["transcription"]![0]!["text"]);
        // The first write stands: its time, not the retry's.
        Assert.Equal(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero), DateTimeOffset.Parse((string)body["timestamp"]!));
        Assert.NotNull(await o.Db.Results.GetAsync("c1"));
    }

    [Theory, SqliteCase, PostgresCase]
    public async Task Which_results_write_a_webhook(string provider)
    {
        await using var o = await OpenAsync(provider);
        var hooked = await AgentAsync(o.Db, new WebhookConfig { Url = "https://hooks.example.com/r" });
        var plain = await AgentAsync(o.Db, null);

        await o.Results.SaveAsync(Result("no-hook", plain.AgentId));
        await o.Results.SaveAsync(Result("unknown-agent", "nobody"));
        await o.Results.SaveAsync(Result("failed-chat", hooked.AgentId, ResultStatuses.Failed));
        await o.Results.SaveAsync(Result("failed-attempt", hooked.AgentId, ResultStatuses.Failed, callId: "call-1"));
        await o.Results.SaveAsync(Result("completed-attempt", hooked.AgentId, ResultStatuses.Completed, callId: "call-2"));
        await o.Results.SaveAsync(Result("canceled", hooked.AgentId, ResultStatuses.Canceled));

        var items = (await o.Store.ListAsync(null, null, 0, 100)).Items;
        Assert.Equal(
            [(WebhookTypes.Completed, "completed-attempt"), (WebhookTypes.Failed, "failed-chat")],
            items.Select(d => (d.Type, (string)JsonNode.Parse(d.Body)!["conversationId"]!)).OrderBy(x => x.Item2));
        Assert.Null(items.Single(d => d.Type == WebhookTypes.Completed).Secret);
        Assert.Equal("call-2", (string?)JsonNode.Parse(items.Single(d => d.Type == WebhookTypes.Completed).Body)!["callId"]);
    }

    [Theory, SqliteCase, PostgresCase]
    public async Task Call_webhooks_are_written_once_per_call_in_the_callers_transaction(string provider)
    {
        await using var o = await OpenAsync(provider);
        var agent = await AgentAsync(o.Db, new WebhookConfig { Url = "https://hooks.example.com/r", Secret = "s" });
        var call = new WebhookCall("call-7", agent.AgentId, "+15550100", new JsonObject { ["crm"] = "42" }, "camp-1", null, 2);

        await using (var connection = o.Db.Dialect.CreateConnection())
        {
            await connection.OpenAsync();
            for (var i = 0; i < 2; i++)
            {
                await using var tx = await connection.BeginTransactionAsync();
                var now = o.Db.Time.GetUtcNow();
                Assert.Equal(i == 0, await CallWebhooks.EnqueueDeadLineAsync(o.Db.Dialect, connection, tx, call, "deadline", now));
                Assert.Equal(i == 0, await CallWebhooks.EnqueueFailedAsync(o.Db.Dialect, connection, tx, call, "no_answer", null,
                    Result("attempt-2", agent.AgentId, ResultStatuses.Failed, "call-7"), now));
                await tx.CommitAsync();
            }
            await using var none = await connection.BeginTransactionAsync();
            Assert.False(await CallWebhooks.EnqueueDeadLineAsync(o.Db.Dialect, connection, none, call with { AgentId = "nobody", CallId = "x" }, "deleted", default));
        }

        var items = (await o.Store.ListAsync(agent.AgentId, null, 0, 100)).Items;
        Assert.Equal(2, items.Count);
        var deadline = JsonNode.Parse(items.Single(d => d.Type == WebhookTypes.CallDeadLine).Body)!;
        Assert.Equal("deadline", (string?)deadline["cancelReason"]);
        Assert.Equal("call-7", (string?)deadline["callId"]);
        Assert.Equal("42", (string?)deadline["callAdditionalData"]!["crm"]);
        var failed = JsonNode.Parse(items.Single(d => d.Type == WebhookTypes.Failed).Body)!;
        Assert.Equal("no_answer", (string?)failed["result"]!["finishReason"]);
        Assert.Equal("attempt-2", (string?)failed["conversationId"]);
        Assert.Equal("hello there", (string?)failed["transcription"]![0]!["text"]);
        Assert.All(items, d => Assert.Equal("s", d.Secret));
    }

    [Theory, SqliteCase, PostgresCase]
    public async Task A_claim_leases_due_rows_oldest_first_and_a_lapsed_lease_frees_them(string provider)
    {
        await using var o = await OpenAsync(provider);
        await o.Store.EnqueueAsync(Delivery(o.Db, "later", dueInSeconds: 60));
        await o.Store.EnqueueAsync(Delivery(o.Db, "now"));
        o.Db.Time.Advance(TimeSpan.FromMilliseconds(5));
        await o.Store.EnqueueAsync(Delivery(o.Db, "now2"));

        var first = await o.Store.ClaimDueAsync(10, Lease);
        Assert.Equal(["now", "now2"], first.Select(c => c.Delivery.DeliveryId));
        Assert.Empty(await o.Store.ClaimDueAsync(10, Lease));

        o.Db.Time.Advance(Lease + TimeSpan.FromSeconds(1));
        var again = await o.Store.ClaimDueAsync(10, Lease);
        Assert.Equal(["now", "now2", "later"], again.Select(c => c.Delivery.DeliveryId));

        // The first lease lapsed and the row was claimed again: the first sender's record is refused.
        var update = new WebhookDeliveryUpdate(WebhookDeliveryStatuses.Delivered, 1, 200, null, null);
        Assert.False(await o.Store.RecordAttemptAsync(first[0], update));
        Assert.True(await o.Store.RecordAttemptAsync(again[0], update));
        var delivered = (await o.Store.GetAsync("now"))!;
        Assert.Equal(WebhookDeliveryStatuses.Delivered, delivered.Status);
        Assert.Equal(1, delivered.Attempts);
        Assert.Equal(200, delivered.LastStatusCode);
        Assert.Null(delivered.NextAttemptTime);

        var retry = new WebhookDeliveryUpdate(WebhookDeliveryStatuses.Pending, 1, 503, "The receiver answered 503.", o.Db.Time.GetUtcNow().AddSeconds(1));
        Assert.True(await o.Store.RecordAttemptAsync(again[1], retry));
        o.Db.Time.Advance(TimeSpan.FromSeconds(2));
        var due = Assert.Single(await o.Store.ClaimDueAsync(10, Lease));
        Assert.Equal("now2", due.Delivery.DeliveryId);
        Assert.Equal(1, due.Delivery.Attempts);
        Assert.Equal(503, due.Delivery.LastStatusCode);
        Assert.Equal("The receiver answered 503.", due.Delivery.LastError);
    }

    [Theory, SqliteCase, PostgresCase]
    public async Task Senders_racing_for_the_same_rows_never_both_get_one(string provider)
    {
        await using var o = await OpenAsync(provider);
        await using (var connection = o.Db.Dialect.CreateConnection())
        {
            await connection.OpenAsync();
            await using var tx = await connection.BeginTransactionAsync();
            for (var i = 0; i < 300; i++)
                await WebhookOutboxSql.InsertAsync(o.Db.Dialect, connection, tx, Delivery(o.Db, $"d{i:000}"));
            await tx.CommitAsync();
        }

        var senders = Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
        {
            var mine = new List<string>();
            var outbox = o.Store;
            while (true)
            {
                var claimed = await outbox.ClaimDueAsync(7, Lease);
                if (claimed.Count == 0) return mine;
                mine.AddRange(claimed.Select(c => c.Delivery.DeliveryId));
            }
        })).ToArray();
        var all = (await Task.WhenAll(senders)).SelectMany(x => x).ToList();

        Assert.Equal(300, all.Count);
        Assert.Equal(300, all.Distinct().Count());
    }

    [Theory, SqliteCase, PostgresCase]
    public async Task The_list_filters_by_agent_and_status_and_pages_newest_first(string provider)
    {
        await using var o = await OpenAsync(provider);
        for (var i = 0; i < 5; i++)
        {
            await o.Store.EnqueueAsync(Delivery(o.Db, $"d{i}", agent: i % 2 == 0 ? "even" : "odd"));
            o.Db.Time.Advance(TimeSpan.FromSeconds(1));
        }
        var claim = (await o.Store.ClaimDueAsync(1, Lease)).Single();
        await o.Store.RecordAttemptAsync(claim, new(WebhookDeliveryStatuses.Failed, 1, 404, "The receiver answered 404.", null));

        var even = await o.Store.ListAsync("even", null, 0, 100);
        Assert.Equal(3, even.Total);
        Assert.Equal(["d4", "d2", "d0"], even.Items.Select(d => d.DeliveryId));

        var failed = await o.Store.ListAsync(null, WebhookDeliveryStatuses.Failed, 0, 100);
        Assert.Equal("d0", Assert.Single(failed.Items).DeliveryId);
        Assert.Equal(404, failed.Items[0].LastStatusCode);

        var page = await o.Store.ListAsync(null, WebhookDeliveryStatuses.Pending, 1, 2);
        Assert.Equal(4, page.Total);
        Assert.Equal(["d3", "d2"], page.Items.Select(d => d.DeliveryId));
    }

    [Fact]
    public async Task The_signal_wakes_a_waiter_and_owes_at_most_one_wake_up()
    {
        var signal = new WebhookOutboxSignal();
        signal.Notify();
        signal.Notify();
        Assert.True(await signal.WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None));
        // The two notifications were one wake-up: the next wait runs to its time-out.
        Assert.False(await signal.WaitAsync(TimeSpan.FromMilliseconds(50), CancellationToken.None));
        var waiting = signal.WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        signal.Notify();
        Assert.True(await waiting);
    }
}
