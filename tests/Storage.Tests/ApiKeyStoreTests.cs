using Orchestrator.Storage.ApiKeys;
using Orchestrator.Storage.Integrations;

namespace Orchestrator.Storage.Tests;

public sealed class ApiKeyStoreTests
{
    [Theory, SqliteCase, PostgresCase]
    public async Task A_key_is_stored_hashed_and_authenticates_with_its_scopes(string provider)
    {
        await using var db = await StorageDatabase.CreateAsync(provider);
        var store = new SqlApiKeyStore(db.Dialect, db.Time);
        var issued = await store.CreateAsync("ci", ["agents", "results"], null);

        Assert.StartsWith(SqlApiKeyStore.Prefix, issued.Key);
        Assert.True(issued.Key.Length > 40);
        Assert.Equal(0L, Convert.ToInt64(await db.ScalarAsync($"SELECT COUNT(*) FROM orch_api_keys WHERE key_hash = '{issued.Key}'")));
        Assert.Equal(IntegrationTokens.Hash(issued.Key), await db.ScalarAsync("SELECT key_hash FROM orch_api_keys"));

        var found = await store.AuthenticateAsync(issued.Key);
        Assert.NotNull(found);
        Assert.Equal(issued.ApiKeyId, found.ApiKeyId);
        Assert.Equal(["agents", "results"], found.Scopes);
        Assert.Equal(db.Time.GetUtcNow().ToUnixTimeMilliseconds(), found.LastUsedAt!.Value.ToUnixTimeMilliseconds());

        var listed = Assert.Single((await store.ListAsync(0, 10)).Items);
        Assert.Equal("ci", listed.Name);
        Assert.NotNull(listed.LastUsedAt);

        Assert.Null(await store.AuthenticateAsync(issued.Key + "x"));
        Assert.Null(await store.AuthenticateAsync("not-ours"));
    }

    [Theory, SqliteCase, PostgresCase]
    public async Task Revoked_and_expired_keys_are_refused(string provider)
    {
        await using var db = await StorageDatabase.CreateAsync(provider);
        var store = new SqlApiKeyStore(db.Dialect, db.Time);
        var revoked = await store.CreateAsync("old", ["calls"], null);
        var expiring = await store.CreateAsync("short", ["calls"], db.Time.GetUtcNow().AddMinutes(5));

        Assert.True(await store.RevokeAsync(revoked.ApiKeyId));
        Assert.False(await store.RevokeAsync(revoked.ApiKeyId));
        Assert.Null(await store.AuthenticateAsync(revoked.Key));
        Assert.NotNull(await store.AuthenticateAsync(expiring.Key));
        Assert.Equal(expiring.ApiKeyId, Assert.Single((await store.ListAsync(0, 10)).Items).ApiKeyId);

        db.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Null(await store.AuthenticateAsync(expiring.Key));
    }
}
