using Orchestrator.Messages.Telephony;
using Orchestrator.Storage;

namespace Orchestrator.Storage.Tests;

/// <summary>SIP trunks and the live-conversation index, on both databases.</summary>
public sealed class TelephonyAndLiveIndexStoreTests
{
    private static SipTrunk Trunk(string name = "main") => new()
    {
        Name = name, Server = "sip.example.net:5062", Transport = SipTrunkTransports.Tcp, AuthUser = "u", AuthPassword = "secret",
        CpsLimit = 5, MaxConcurrentCalls = 20, FromUser = "4930123", DisplayName = "Trattoria",
    };

    [Theory, SqliteCase, PostgresCase]
    public async Task Trunks_round_trip_list_replace_and_delete(string provider)
    {
        await using var db = await StorageDatabase.CreateAsync(provider);
        var created = await db.Trunks.CreateAsync(Trunk());
        Assert.False(string.IsNullOrEmpty(created.Id));
        var read = await db.Trunks.GetAsync(created.Id);
        Assert.Equal(("sip.example.net:5062", "tcp", "secret", 5.0, 20), (read!.Server, read.Transport, read.AuthPassword, read.CpsLimit, read.MaxConcurrentCalls));

        await db.Trunks.CreateAsync(Trunk("backup"));
        var page = await db.Trunks.ListAsync(0, 10);
        Assert.Equal(2, page.Total);

        var replaced = await db.Trunks.ReplaceAsync(created.Id, Trunk() with { Server = "sip2.example.net" });
        Assert.Equal("sip2.example.net", replaced!.Server);
        Assert.Null(await db.Trunks.ReplaceAsync("missing", Trunk()));

        Assert.True(await db.Trunks.DeleteAsync(created.Id));
        Assert.Null(await db.Trunks.GetAsync(created.Id));
        Assert.False(await db.Trunks.DeleteAsync(created.Id));
    }

    [Theory, SqliteCase, PostgresCase]
    public async Task A_duplicate_trunk_name_is_a_conflict(string provider)
    {
        await using var db = await StorageDatabase.CreateAsync(provider);
        await db.Trunks.CreateAsync(Trunk());
        await Assert.ThrowsAsync<StorageConflictException>(() => db.Trunks.CreateAsync(Trunk()));
    }

    [Theory, SqliteCase, PostgresCase]
    public async Task The_live_index_is_idempotent_and_pages_by_id(string provider)
    {
        await using var db = await StorageDatabase.CreateAsync(provider);
        foreach (var id in new[] { "c", "a", "b", "a" }) await db.Live.MarkLiveAsync(id, DateTimeOffset.UnixEpoch);
        Assert.Equal(["a", "b"], await db.Live.ListLiveAsync(null, 2));
        Assert.Equal(["c"], await db.Live.ListLiveAsync("b", 2));
        await db.Live.MarkFinishedAsync("b");
        await db.Live.MarkFinishedAsync("b");
        Assert.Equal(["a", "c"], await db.Live.ListLiveAsync(null, 10));
    }
}
