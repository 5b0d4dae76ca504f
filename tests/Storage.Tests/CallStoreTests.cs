using System.Text.Json.Nodes;
using Orchestrator.Actors.Dialer.Scheduling;
using Orchestrator.Messages.Agents;
using Orchestrator.Messages.Calls;
using Orchestrator.Messages.Results;
using Orchestrator.Storage.Calls;

namespace Orchestrator.Storage.Tests;

public sealed class CallStoreTests
{
    internal static readonly RetryPolicy BusyThrice = new(3, [FinishReasons.Busy], [60, 300]);

    internal static NewCall Call(StorageDatabase db, string endpoint = "+15550100", int priority = 1, string agent = "a1",
        string? key = null, RetryPolicy? retry = null, TimeSpan? dueIn = null, TimeSpan? deadlineIn = null, string? campaign = null) => new()
    {
        AgentId = agent, Endpoint = endpoint, Priority = priority, IdempotencyKey = key, Retry = retry ?? RetryPolicy.Default,
        CallDeadline = db.Time.GetUtcNow() + (deadlineIn ?? TimeSpan.FromHours(24)), Status = CallStatuses.Queued,
        NextScheduleTime = db.Time.GetUtcNow() + (dueIn ?? TimeSpan.Zero), Timezone = "Europe/Berlin", CampaignId = campaign,
        AdditionalData = new JsonObject { ["firstName"] = "Ada" },
    };

    internal static ConversationResult ResultOf(string callId, int attempt, string finish) => new()
    {
        ConversationId = AttemptConversationIds.For(callId, attempt), AgentId = "a1", CallType = CallTypes.OnPhone,
        Status = CallRules.IsUnanswered(finish) ? ResultStatuses.Failed : ResultStatuses.Completed, FinishReason = finish,
        StartedAt = DateTimeOffset.UnixEpoch, EndedAt = DateTimeOffset.UnixEpoch.AddSeconds(5), DurationSeconds = 5,
        Transcription = [new TranscriptEntry("assistant", "Hello Ada", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch)],
        CallId = callId, Attempt = attempt,
    };

    private static string Json(Call call) => System.Text.Json.JsonSerializer.Serialize(call, Orchestrator.Messages.JsonDefaults.Options);

    [Theory, SqliteCase, PostgresCase]
    public async Task A_created_call_reads_back_and_is_a_result_row(string provider)
    {
        await using var db = await StorageDatabase.CreateAsync(provider);
        var store = new SqlCallStore(db.Dialect, db.Time);
        var created = await store.CreateAsync(Call(db, retry: BusyThrice, campaign: "camp1"));
        Assert.True(created.IsNew);

        var read = (await store.GetAsync(created.Call.CallId))!;
        Assert.Equal(Json(created.Call), Json(read with { AttemptHistory = [] }));
        Assert.Equal(CallStatuses.Queued, read.Status);
        Assert.Equal(3, read.MaxAttempts);
        Assert.Equal(0, read.Attempts);
        Assert.Equal("Ada", (string?)read.AdditionalData["firstName"]);
        Assert.Empty(read.AttemptHistory);

        var row = (await db.Results.GetAsync(read.CallId))!;
        Assert.Equal(CallStatuses.Queued, row.Status);
        Assert.Equal(read.CallId, row.CallId);
        Assert.Equal("camp1", row.CampaignId);
        var search = await db.Results.SearchAsync(new ResultSearchRequest { CallStatuses = [CallStatuses.Queued] });
        Assert.Equal(read.CallId, Assert.Single(search.Results).CallId);
        Assert.Equal(1, await store.CountWaitingAsync());
    }

    [Theory, SqliteCase, PostgresCase]
    public async Task An_idempotency_key_returns_the_first_call_per_agent(string provider)
    {
        await using var db = await StorageDatabase.CreateAsync(provider);
        var store = new SqlCallStore(db.Dialect, db.Time);
        var first = await store.CreateAsync(Call(db, key: "k1"));
        var again = await store.CreateAsync(Call(db, endpoint: "+15550199", key: "k1"));
        var otherAgent = await store.CreateAsync(Call(db, agent: "a2", key: "k1"));
        var bulk = await store.CreateManyAsync([Call(db, key: "k2"), Call(db, key: "k2"), Call(db, key: "k1")]);

        Assert.False(again.IsNew);
        Assert.Equal(first.Call.CallId, again.Call.CallId);
        Assert.Equal("+15550100", again.Call.Endpoint);
        Assert.True(otherAgent.IsNew);
        Assert.Equal([true, false, false], bulk.Select(b => b.IsNew));
        Assert.Equal(bulk[0].Call.CallId, bulk[1].Call.CallId);
        Assert.Equal(first.Call.CallId, bulk[2].Call.CallId);
        Assert.Equal(3, (await store.ListAsync(new CallQuery())).Total);
    }

    [Theory, SqliteCase, PostgresCase]
    public async Task Due_calls_come_by_priority_then_age_and_only_when_due(string provider)
    {
        await using var db = await StorageDatabase.CreateAsync(provider);
        var store = new SqlCallStore(db.Dialect, db.Time);
        var old = await store.CreateAsync(Call(db, "+1"));
        db.Time.Advance(TimeSpan.FromSeconds(1));
        var newer = await store.CreateAsync(Call(db, "+2"));
        var urgent = await store.CreateAsync(Call(db, "+3", priority: 9));
        var later = await store.CreateAsync(Call(db, "+4", priority: 50, dueIn: TimeSpan.FromMinutes(5)));

        var due = await store.PickDueAsync(db.Time.GetUtcNow(), 10);
        Assert.Equal([urgent.Call.CallId, old.Call.CallId, newer.Call.CallId], due.Select(d => d.CallId));
        Assert.Equal("Ada", (string?)due[0].AdditionalData["firstName"]);
        Assert.Equal([urgent.Call.CallId], (await store.PickDueAsync(db.Time.GetUtcNow(), 1)).Select(d => d.CallId));
        Assert.Contains(later.Call.CallId, (await store.PickDueAsync(db.Time.GetUtcNow().AddMinutes(5), 10)).Select(d => d.CallId));
        Assert.Equal(db.Time.GetUtcNow().AddSeconds(-1), await store.NextDueTimeAsync());

        Assert.True(await store.ClaimAsync(urgent.Call.CallId, 0, db.Time.GetUtcNow()));
        Assert.DoesNotContain(urgent.Call.CallId, (await store.PickDueAsync(db.Time.GetUtcNow(), 10)).Select(d => d.CallId));
    }

    [Theory, SqliteCase, PostgresCase]
    public async Task A_pick_leaves_out_the_agents_and_campaigns_it_is_told_to_skip_and_reaches_the_calls_behind_them(string provider)
    {
        await using var db = await StorageDatabase.CreateAsync(provider);
        var store = new SqlCallStore(db.Dialect, db.Time);
        var paused = await store.CreateManyAsync([Call(db, "+1", campaign: "paused"), Call(db, "+2", campaign: "paused")]);
        var otherAgent = await store.CreateAsync(Call(db, "+3", agent: "a2"));
        var loose = await store.CreateAsync(Call(db, "+4"));
        var active = await store.CreateAsync(Call(db, "+5", campaign: "active"));

        var first = await store.PickDueAsync(db.Time.GetUtcNow(), 2);
        Assert.Equal(paused.Select(p => p.Call.CallId), first.Select(d => d.CallId));
        var skip = new Orchestrator.Actors.Dialer.Ports.DueCallFilter(new HashSet<string> { "a2" }, new HashSet<string> { "paused" });
        Assert.Equal([loose.Call.CallId, active.Call.CallId], (await store.PickDueAsync(db.Time.GetUtcNow(), 2, skip)).Select(d => d.CallId));
        var both = new Orchestrator.Actors.Dialer.Ports.DueCallFilter(new HashSet<string>(), new HashSet<string> { "paused", "active" });
        Assert.Equal([otherAgent.Call.CallId, loose.Call.CallId], (await store.PickDueAsync(db.Time.GetUtcNow(), 10, both)).Select(d => d.CallId));
    }

    [Theory, SqliteCase, PostgresCase]
    public async Task An_attempt_is_claimed_once_even_by_racing_claimers(string provider)
    {
        await using var db = await StorageDatabase.CreateAsync(provider);
        var store = new SqlCallStore(db.Dialect, db.Time);
        var call = (await store.CreateAsync(Call(db))).Call;

        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => ClaimOrFalse(store, call.CallId, db.Time.GetUtcNow()))));
        Assert.Equal(1, claims.Count(c => c));

        var running = (await store.GetAsync(call.CallId))!;
        Assert.Equal(CallStatuses.Running, running.Status);
        Assert.Equal(1, running.Attempts);
        Assert.Null(running.NextScheduleTime);
        Assert.Equal(AttemptConversationIds.For(call.CallId, 1), running.ConversationId);
        Assert.Equal(db.Time.GetUtcNow(), running.StartedTime);
        var attempt = Assert.Single(running.AttemptHistory);
        Assert.Equal((1, running.ConversationId, (string?)null), (attempt.Attempt, attempt.ConversationId, attempt.Outcome));
        Assert.Equal(CallStatuses.Running, (await db.Results.GetAsync(call.CallId))!.Status);
        Assert.Equal(1, await store.CountRunningAsync());
    }

    private static async Task<bool> ClaimOrFalse(SqlCallStore store, string callId, DateTimeOffset now)
    {
        try { return await store.ClaimAsync(callId, 0, now); }
        catch (Exception e) when (e.Message.Contains("locked", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("busy", StringComparison.OrdinalIgnoreCase))
        {
            return false; // a writer that could not get the lock did not claim
        }
    }

    [Theory, SqliteCase, PostgresCase]
    public async Task Saving_an_attempts_result_records_its_outcome_once(string provider)
    {
        await using var db = await StorageDatabase.CreateAsync(provider);
        var store = new SqlCallStore(db.Dialect, db.Time);
        var call = (await store.CreateAsync(Call(db, retry: BusyThrice))).Call;

        Assert.True(await store.ClaimAsync(call.CallId, 0, db.Time.GetUtcNow()));
        db.Time.Advance(TimeSpan.FromSeconds(10));
        await db.Results.SaveAsync(ResultOf(call.CallId, 1, FinishReasons.Busy));
        await db.Results.SaveAsync(ResultOf(call.CallId, 1, FinishReasons.Busy)); // the conversation's retried save
        var retrying = (await store.GetAsync(call.CallId))!;
        Assert.Equal(CallStatuses.Queued, retrying.Status);
        Assert.Equal(1, retrying.Attempts);
        Assert.Equal(FinishReasons.Busy, retrying.LastOutcome);
        Assert.Equal(db.Time.GetUtcNow().AddSeconds(60), retrying.NextScheduleTime);
        Assert.Equal(FinishReasons.Busy, Assert.Single(retrying.AttemptHistory).Outcome);

        Assert.False(await store.ClaimAsync(call.CallId, 0, db.Time.GetUtcNow())); // attempt 1 is over
        Assert.True(await store.ClaimAsync(call.CallId, 1, db.Time.GetUtcNow()));
        db.Time.Advance(TimeSpan.FromSeconds(30));
        await db.Results.SaveAsync(ResultOf(call.CallId, 2, FinishReasons.AgentEnded));
        await db.Results.SaveAsync(ResultOf(call.CallId, 1, FinishReasons.Busy)); // a late duplicate of attempt 1
        var done = (await store.GetAsync(call.CallId))!;
        Assert.Equal(CallStatuses.Completed, done.Status);
        Assert.Equal(2, done.Attempts);
        Assert.Equal(db.Time.GetUtcNow(), done.CompletedTime);
        Assert.Equal(AttemptConversationIds.For(call.CallId, 2), done.ConversationId);
        Assert.Equal([FinishReasons.Busy, FinishReasons.AgentEnded], done.AttemptHistory.Select(a => a.Outcome));

        // The call's row is now the full result of its last attempt; attempt results stay readable by their ids.
        var row = (await db.Results.GetAsync(call.CallId))!;
        Assert.Equal((CallStatuses.Completed, FinishReasons.AgentEnded, 2), (row.Status, row.FinishReason, row.Attempt));
        Assert.Equal("Hello Ada", Assert.Single(row.Transcription).Text);
        Assert.Equal(FinishReasons.Busy, (await db.Results.GetAsync(AttemptConversationIds.For(call.CallId, 1)))!.FinishReason);
        var search = await db.Results.SearchAsync(new ResultSearchRequest());
        Assert.Equal(call.CallId, Assert.Single(search.Results).CallId);
    }

    [Theory, SqliteCase, PostgresCase]
    public async Task Retries_stop_at_max_attempts_and_an_orphaned_attempt_ends_as_error(string provider)
    {
        await using var db = await StorageDatabase.CreateAsync(provider);
        var store = new SqlCallStore(db.Dialect, db.Time);
        var policy = new RetryPolicy(2, [FinishReasons.Busy, FinishReasons.Error], [0]);
        var call = (await store.CreateAsync(Call(db, retry: policy))).Call;

        Assert.True(await store.ClaimAsync(call.CallId, 0, db.Time.GetUtcNow()));
        Assert.Empty(await store.ListClaimedAsync(db.Time.GetUtcNow(), 10));
        db.Time.Advance(TimeSpan.FromMinutes(1));
        var claimed = Assert.Single(await store.ListClaimedAsync(db.Time.GetUtcNow(), 10));
        Assert.Equal((call.CallId, 1), (claimed.CallId, claimed.Attempt));
        Assert.Equal(CallStatuses.Queued, await store.EndAttemptAsync(call.CallId, 1, FinishReasons.Error, db.Time.GetUtcNow()));
        Assert.Null(await store.EndAttemptAsync(call.CallId, 1, FinishReasons.Error, db.Time.GetUtcNow()));
        Assert.Equal((CallStatuses.Queued, FinishReasons.Error), ((await store.GetAsync(call.CallId))!.Status, (await store.GetAsync(call.CallId))!.LastOutcome));

        Assert.True(await store.ClaimAsync(call.CallId, 1, db.Time.GetUtcNow()));
        await db.Results.SaveAsync(ResultOf(call.CallId, 2, FinishReasons.Busy));
        var failed = (await store.GetAsync(call.CallId))!;
        Assert.Equal((CallStatuses.Failed, FinishReasons.Busy, 2), (failed.Status, failed.LastOutcome, failed.Attempts));
        Assert.Equal(CallStatuses.Failed, (await db.Results.GetAsync(call.CallId))!.Status);
    }

    [Theory, SqliteCase, PostgresCase]
    public async Task Only_waiting_calls_can_be_canceled(string provider)
    {
        await using var db = await StorageDatabase.CreateAsync(provider);
        var store = new SqlCallStore(db.Dialect, db.Time);
        var waiting = (await store.CreateAsync(Call(db))).Call;
        var running = (await store.CreateAsync(Call(db))).Call;
        Assert.True(await store.ClaimAsync(running.CallId, 0, db.Time.GetUtcNow()));

        var (outcome, canceled) = await store.CancelAsync(waiting.CallId, CancelReasons.Deleted);
        Assert.Equal(CancelOutcome.Canceled, outcome);
        Assert.Equal((CallStatuses.Canceled, CancelReasons.Deleted), (canceled!.Status, canceled.CancelReason));
        Assert.Null(canceled.NextScheduleTime);
        Assert.Equal(CancelOutcome.NotCancelable, (await store.CancelAsync(waiting.CallId, CancelReasons.Deleted)).Outcome);
        Assert.Equal(CancelOutcome.NotCancelable, (await store.CancelAsync(running.CallId, CancelReasons.Deleted)).Outcome);
        Assert.Equal(CancelOutcome.NotFound, (await store.CancelAsync("nope", CancelReasons.Deleted)).Outcome);
        Assert.Equal(CallStatuses.Canceled, (await db.Results.GetAsync(waiting.CallId))!.Status);
        Assert.Empty(await store.PickDueAsync(db.Time.GetUtcNow(), 10));
    }

    [Theory, SqliteCase, PostgresCase]
    public async Task Calls_past_their_deadline_are_canceled(string provider)
    {
        await using var db = await StorageDatabase.CreateAsync(provider);
        var store = new SqlCallStore(db.Dialect, db.Time);
        var soon = (await store.CreateAsync(Call(db, deadlineIn: TimeSpan.FromMinutes(1), dueIn: TimeSpan.FromHours(2)))).Call;
        var fine = (await store.CreateAsync(Call(db))).Call;
        db.Time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal([soon.CallId], await store.CancelExpiredAsync(db.Time.GetUtcNow(), 100));
        Assert.Empty(await store.CancelExpiredAsync(db.Time.GetUtcNow(), 100));
        var read = (await store.GetAsync(soon.CallId))!;
        Assert.Equal((CallStatuses.Canceled, CancelReasons.Deadline), (read.Status, read.CancelReason));
        Assert.Equal(CallStatuses.Queued, (await store.GetAsync(fine.CallId))!.Status);
    }

    [Theory, SqliteCase, PostgresCase]
    public async Task Lists_filter_by_status_agent_and_campaign(string provider)
    {
        await using var db = await StorageDatabase.CreateAsync(provider);
        var store = new SqlCallStore(db.Dialect, db.Time);
        var a = (await store.CreateAsync(Call(db, campaign: "c1"))).Call;
        var b = (await store.CreateAsync(Call(db, agent: "a2"))).Call;
        await store.ClaimAsync(b.CallId, 0, db.Time.GetUtcNow());

        Assert.Equal([a.CallId], (await store.ListAsync(new CallQuery { CampaignId = "c1" })).Items.Select(c => c.CallId));
        Assert.Equal([b.CallId], (await store.ListAsync(new CallQuery { Statuses = [CallStatuses.Running] })).Items.Select(c => c.CallId));
        Assert.Equal(2, (await store.ListAsync(new CallQuery { Statuses = [CallStatuses.Running, CallStatuses.Queued] })).Total);
        Assert.Equal([b.CallId], (await store.ListAsync(new CallQuery { AgentId = "a2" })).Items.Select(c => c.CallId));
        Assert.Single((await store.ListAsync(new CallQuery { Take = 1, Skip = 1 })).Items);
    }

    [Fact]
    public async Task Picking_due_calls_walks_the_queue_index_on_sqlite()
    {
        await using var db = await StorageDatabase.CreateAsync(StorageProviders.Sqlite);
        var plan = new List<string>();
        await using var connection = db.Dialect.CreateConnection();
        await connection.OpenAsync();
        await using var explain = db.Dialect.Command(connection,
            "EXPLAIN QUERY PLAN SELECT c.id FROM orch_calls c WHERE c.status = 'Queued' AND c.next_at <= 5 " +
            "ORDER BY c.priority DESC, c.created_at, c.id LIMIT 10");
        await using var reader = await explain.ExecuteReaderAsync();
        while (await reader.ReadAsync()) plan.Add(reader.GetString(3));
        Assert.Contains(plan, p => p.Contains("ix_orch_calls_queue"));
        Assert.DoesNotContain(plan, p => p.Contains("TEMP B-TREE")); // no sort of the whole queue
    }
}
