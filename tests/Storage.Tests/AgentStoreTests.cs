using System.Text.Json.Nodes;
using Orchestrator.Messages.Agents;

namespace Orchestrator.Storage.Tests;

public sealed class AgentStoreTests
{
    private static Agent NewAgent(string name) => new()
    {
        Name = name,
        AdditionalData = new JsonObject { ["team"] = "sales" },
        Config = new AgentConfig
        {
            Tools = [new ToolConfig { Name = "book_table", TimeoutSeconds = 5, RetryCount = 1, FallBackResult = JsonValue.Create("busy") }],
            Script = new JsonObject { ["greeting"] = "Hello" },
        },
    };

    [Theory, SqliteCase, PostgresCase]
    public async Task Create_assigns_id_and_times_and_get_returns_the_whole_agent(string provider)
    {
        await using var db = await StorageDatabase.CreateAsync(provider);

        var created = await db.Agents.CreateAsync(NewAgent("Booking"));

        Assert.False(string.IsNullOrEmpty(created.AgentId));
        Assert.Equal(db.Time.GetUtcNow(), created.CreatedTime);
        Assert.Equal(created.CreatedTime, created.LastUpdateTime);
        var read = await db.Agents.GetAsync(created.AgentId);
        Assert.NotNull(read);
        Assert.Equal("Booking", read.Name);
        Assert.Equal("sales", (string?)read.AdditionalData["team"]);
        Assert.Equal("book_table", Assert.Single(read.Config.Tools).Name);
        Assert.Equal("busy", read.Config.Tools[0].FallBackResult!.GetValue<string>());
        Assert.Equal("Hello", (string?)read.Config.Script!["greeting"]);
        Assert.Equal(created.CreatedTime, read.CreatedTime);
    }

    [Theory, SqliteCase, PostgresCase]
    public async Task Create_keeps_a_given_id_and_refuses_a_duplicate(string provider)
    {
        await using var db = await StorageDatabase.CreateAsync(provider);
        await db.Agents.CreateAsync(NewAgent("A") with { AgentId = "demo" });

        await Assert.ThrowsAsync<StorageConflictException>(() => db.Agents.CreateAsync(NewAgent("B") with { AgentId = "demo" }));
        Assert.Equal("A", (await db.Agents.GetAsync("demo"))!.Name);
    }

    [Theory, SqliteCase, PostgresCase]
    public async Task Get_unknown_is_null(string provider)
    {
        await using var db = await StorageDatabase.CreateAsync(provider);
        Assert.Null(await db.Agents.GetAsync("nope"));
    }

    [Theory, SqliteCase, PostgresCase]
    public async Task List_pages_oldest_first_with_total(string provider)
    {
        await using var db = await StorageDatabase.CreateAsync(provider);
        for (var i = 0; i < 5; i++)
        {
            await db.Agents.CreateAsync(NewAgent($"agent {i}"));
            db.Time.Advance(TimeSpan.FromSeconds(1));
        }

        var page = await db.Agents.ListAsync(skip: 1, take: 2);

        Assert.Equal(5, page.Total);
        Assert.Equal(["agent 1", "agent 2"], page.Items.Select(a => a.Name));
        Assert.Empty((await db.Agents.ListAsync(5, 10)).Items);
    }

    [Theory, SqliteCase, PostgresCase]
    public async Task Replace_keeps_id_and_creation_time_and_moves_update_time(string provider)
    {
        await using var db = await StorageDatabase.CreateAsync(provider);
        var created = await db.Agents.CreateAsync(NewAgent("Before"));
        db.Time.Advance(TimeSpan.FromMinutes(5));

        var replaced = await db.Agents.ReplaceAsync(created.AgentId,
            NewAgent("After") with { AgentId = "ignored", IsEnabled = false, CreatedTime = DateTimeOffset.UnixEpoch });

        Assert.NotNull(replaced);
        var read = (await db.Agents.GetAsync(created.AgentId))!;
        Assert.Equal("After", read.Name);
        Assert.False(read.IsEnabled);
        Assert.Equal(created.AgentId, read.AgentId);
        Assert.Equal(created.CreatedTime, read.CreatedTime);
        Assert.Equal(created.CreatedTime.AddMinutes(5), read.LastUpdateTime);
        Assert.Null(await db.Agents.GetAsync("ignored"));
    }

    [Theory, SqliteCase, PostgresCase]
    public async Task Replace_and_delete_of_unknown_report_missing(string provider)
    {
        await using var db = await StorageDatabase.CreateAsync(provider);
        Assert.Null(await db.Agents.ReplaceAsync("nope", NewAgent("x")));
        Assert.False(await db.Agents.DeleteAsync("nope"));
    }

    [Theory, SqliteCase, PostgresCase]
    public async Task Delete_removes_the_agent(string provider)
    {
        await using var db = await StorageDatabase.CreateAsync(provider);
        var created = await db.Agents.CreateAsync(NewAgent("Gone"));

        Assert.True(await db.Agents.DeleteAsync(created.AgentId));
        Assert.Null(await db.Agents.GetAsync(created.AgentId));
        Assert.Equal(0, (await db.Agents.ListAsync(0, 10)).Total);
    }
}
