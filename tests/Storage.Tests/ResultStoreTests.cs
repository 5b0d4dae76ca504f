using System.Text.Json.Nodes;
using Orchestrator.Messages.Results;
using Orchestrator.Storage.Results;

namespace Orchestrator.Storage.Tests;

public sealed class ResultStoreTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 10, 9, 0, 0, TimeSpan.Zero);

    private static ConversationResult Result(string id, int startMinute = 0, string agent = "a1", string status = ResultStatuses.Completed,
        string callType = CallTypes.Chat, double duration = 10, string text = "hello", JsonObject? data = null) => new()
    {
        ConversationId = id,
        AgentId = agent,
        CallType = callType,
        Status = status,
        FinishReason = FinishReasons.UserTerminated,
        StartedAt = T0.AddMinutes(startMinute),
        EndedAt = T0.AddMinutes(startMinute).AddSeconds(duration),
        DurationSeconds = duration,
        AdditionalData = data ?? new JsonObject(),
        Transcription = [new TranscriptEntry("user", text, T0, T0), new TranscriptEntry("assistant", "Goodbye", T0, T0)],
        ToolCalls = [new ToolCallRecord("t1", "book_table", new JsonObject { ["people"] = 2 }, JsonValue.Create("ok"), "ok")],
    };

    private static async Task<List<string>> Ids(StorageDatabase db, ResultSearchRequest request) =>
        (await db.Results.SearchAsync(request)).Results.Select(r => r.ConversationId).ToList();

    [Theory, SqliteCase, PostgresCase]
    public async Task Save_then_get_returns_the_whole_result(string provider)
    {
        await using var db = await StorageDatabase.CreateAsync(provider);
        await db.Results.SaveAsync(Result("c1", data: new JsonObject { ["customer"] = "42" }));

        var read = (await db.Results.GetAsync("c1"))!;
        Assert.Equal("a1", read.AgentId);
        Assert.Equal(FinishReasons.UserTerminated, read.FinishReason);
        Assert.Equal(T0, read.StartedAt);
        Assert.Equal(2, read.Transcription.Count);
        Assert.Equal("book_table", Assert.Single(read.ToolCalls).ToolName);
        Assert.Equal("42", (string?)read.AdditionalData["customer"]);
        Assert.Null(await db.Results.GetAsync("unknown"));
    }

    [Theory, SqliteCase, PostgresCase]
    public async Task Save_is_an_idempotent_upsert(string provider)
    {
        await using var db = await StorageDatabase.CreateAsync(provider);
        await db.Results.SaveAsync(Result("c1"));
        await db.Results.SaveAsync(Result("c1"));
        await db.Results.SaveAsync(Result("c1", status: ResultStatuses.Failed, text: "changed"));

        var page = await db.Results.SearchAsync(new ResultSearchRequest());
        Assert.Equal(1, page.TotalCount);
        Assert.Equal(ResultStatuses.Failed, (await db.Results.GetAsync("c1"))!.Status);
        Assert.Equal(["c1"], await Ids(db, new() { SearchText = "changed" }));
        Assert.Empty(await Ids(db, new() { SearchText = "hello" }));
    }

    [Theory, SqliteCase, PostgresCase]
    public async Task Default_order_is_started_at_descending_and_pages(string provider)
    {
        await using var db = await StorageDatabase.CreateAsync(provider);
        for (var i = 0; i < 5; i++) await db.Results.SaveAsync(Result($"c{i}", startMinute: i));

        var first = await db.Results.SearchAsync(new() { Page = 0, Size = 2 });
        Assert.Equal(["c4", "c3"], first.Results.Select(r => r.ConversationId));
        Assert.Equal((5, 0, 2, 3), (first.TotalCount, first.Page, first.Size, first.TotalPages));
        Assert.Equal(["c0"], await Ids(db, new() { Page = 2, Size = 2 }));
        Assert.Empty(await Ids(db, new() { Page = 3, Size = 2 }));
    }

    [Theory, SqliteCase, PostgresCase]
    public async Task Filters_by_agent_status_and_call_type(string provider)
    {
        await using var db = await StorageDatabase.CreateAsync(provider);
        await db.Results.SaveAsync(Result("c1", 1, agent: "a1", status: ResultStatuses.Completed, callType: CallTypes.Chat));
        await db.Results.SaveAsync(Result("c2", 2, agent: "a2", status: ResultStatuses.Failed, callType: CallTypes.WebCall));
        await db.Results.SaveAsync(Result("c3", 3, agent: "a3", status: ResultStatuses.Canceled, callType: CallTypes.OnPhone));

        Assert.Equal(["c2", "c1"], await Ids(db, new() { AgentIds = ["a1", "a2"] }));
        Assert.Equal(["c3"], await Ids(db, new() { CallStatuses = [ResultStatuses.Canceled] }));
        Assert.Equal(["c2"], await Ids(db, new() { CallTypes = [CallTypes.WebCall] }));
        Assert.Empty(await Ids(db, new() { AgentIds = ["a1"], CallTypes = [CallTypes.WebCall] }));
        Assert.Equal(3, (await db.Results.SearchAsync(new() { AgentIds = [] })).TotalCount);
    }

    [Theory, SqliteCase, PostgresCase]
    public async Task Filters_by_start_date_range_inclusive(string provider)
    {
        await using var db = await StorageDatabase.CreateAsync(provider);
        for (var i = 0; i < 4; i++) await db.Results.SaveAsync(Result($"c{i}", startMinute: i * 10));

        Assert.Equal(["c2", "c1"], await Ids(db, new() { FromDate = T0.AddMinutes(10), ToDate = T0.AddMinutes(20) }));
        Assert.Equal(["c3"], await Ids(db, new() { FromDate = T0.AddMinutes(25) }));
        Assert.Equal(["c0"], await Ids(db, new() { ToDate = T0.AddMinutes(5) }));
    }

    [Theory, SqliteCase, PostgresCase]
    public async Task Search_text_is_a_case_insensitive_substring_of_the_transcript(string provider)
    {
        await using var db = await StorageDatabase.CreateAsync(provider);
        await db.Results.SaveAsync(Result("c1", 1, text: "I'd like a TABLE for two"));
        await db.Results.SaveAsync(Result("c2", 2, text: "Größe ÄNDERN bitte"));
        await db.Results.SaveAsync(Result("c3", 3, text: "100% sure_thing"));

        Assert.Equal(["c1"], await Ids(db, new() { SearchText = "table FOR" }));
        Assert.Equal(["c2"], await Ids(db, new() { SearchText = "änDern" }));
        // LIKE wildcards are plain characters here.
        Assert.Equal(["c3"], await Ids(db, new() { SearchText = "0% s" }));
        Assert.Empty(await Ids(db, new() { SearchText = "_" + "x" }));
        Assert.Equal(3, (await db.Results.SearchAsync(new() { SearchText = "goodbye" })).TotalCount);
    }

    [Theory, SqliteCase, PostgresCase]
    public async Task Filters_by_campaign_id_from_additional_data(string provider)
    {
        await using var db = await StorageDatabase.CreateAsync(provider);
        await db.Results.SaveAsync(Result("c1", 1, data: new JsonObject { ["campaignId"] = "spring" }));
        await db.Results.SaveAsync(Result("c2", 2, data: new JsonObject { ["campaignId"] = "autumn" }));
        await db.Results.SaveAsync(Result("c3", 3));

        Assert.Equal(["c1"], await Ids(db, new() { CampaignId = "spring" }));
    }

    [Theory, SqliteCase, PostgresCase]
    public async Task Filters_by_additional_data_with_or_without_prefix(string provider)
    {
        await using var db = await StorageDatabase.CreateAsync(provider);
        await db.Results.SaveAsync(Result("c1", 1, data: new JsonObject { ["customer"] = "42", ["tier"] = "gold", ["vip"] = true, ["n"] = 7 }));
        await db.Results.SaveAsync(Result("c2", 2, data: new JsonObject { ["customer"] = "43", ["tier"] = "gold" }));
        await db.Results.SaveAsync(Result("c3", 3, data: new JsonObject { ["odd key.with \"quotes\""] = "yes" }));

        Assert.Equal(["c1"], await Ids(db, new() { AdditionalDataFilters = new() { ["callAdditionalData.customer"] = "42" } }));
        Assert.Equal(["c2"], await Ids(db, new() { AdditionalDataFilters = new() { ["customer"] = "43" } }));
        Assert.Equal(["c2", "c1"], await Ids(db, new() { AdditionalDataFilters = new() { ["tier"] = "gold" } }));
        Assert.Equal(["c1"], await Ids(db, new() { AdditionalDataFilters = new() { ["tier"] = "gold", ["customer"] = "42" } }));
        Assert.Empty(await Ids(db, new() { AdditionalDataFilters = new() { ["tier"] = "gold", ["customer"] = "44" } }));
        Assert.Equal(["c1"], await Ids(db, new() { AdditionalDataFilters = new() { ["vip"] = "true" } }));
        Assert.Equal(["c1"], await Ids(db, new() { AdditionalDataFilters = new() { ["n"] = "7" } }));
        Assert.Equal(["c3"], await Ids(db, new() { AdditionalDataFilters = new() { ["odd key.with \"quotes\""] = "yes" } }));
        Assert.Empty(await Ids(db, new() { AdditionalDataFilters = new() { ["missing"] = "x" } }));
    }

    [Theory, SqliteCase, PostgresCase]
    public async Task Sorts_by_each_field_in_both_directions(string provider)
    {
        await using var db = await StorageDatabase.CreateAsync(provider);
        // started order: c1 < c2 < c3; ended order (start + duration): c2 < c3 < c1; duration: c2 < c3 < c1.
        await db.Results.SaveAsync(Result("c1", 0, duration: 3000, status: ResultStatuses.Failed));
        await db.Results.SaveAsync(Result("c2", 1, duration: 5, status: ResultStatuses.Canceled));
        await db.Results.SaveAsync(Result("c3", 2, duration: 60, status: ResultStatuses.Completed));

        Assert.Equal(["c1", "c2", "c3"], await Ids(db, new() { SortField = "startedAt", SortDirection = "asc" }));
        Assert.Equal(["c3", "c2", "c1"], await Ids(db, new() { SortField = "startedAt", SortDirection = "desc" }));
        Assert.Equal(["c2", "c3", "c1"], await Ids(db, new() { SortField = "endedAt", SortDirection = "asc" }));
        Assert.Equal(["c1", "c3", "c2"], await Ids(db, new() { SortField = "endedAt", SortDirection = "desc" }));
        Assert.Equal(["c2", "c3", "c1"], await Ids(db, new() { SortField = "durationSeconds", SortDirection = "ASC" }));
        Assert.Equal(["c1", "c3", "c2"], await Ids(db, new() { SortField = "DurationSeconds", SortDirection = "desc" }));
        Assert.Equal(["c2", "c3", "c1"], await Ids(db, new() { SortField = "status", SortDirection = "asc" }));
        Assert.Equal(["c1", "c3", "c2"], await Ids(db, new() { SortField = "status" }));
    }
}
