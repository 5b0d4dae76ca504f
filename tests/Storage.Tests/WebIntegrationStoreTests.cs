using Orchestrator.Messages.Integrations;
using Orchestrator.Storage.Integrations;

namespace Orchestrator.Storage.Tests;

public sealed class WebIntegrationStoreTests
{
    private static WebIntegration NewIntegration(string name = "site") => new()
    {
        Name = name,
        AgentId = "agent-1",
        Origins = ["https://example.com"],
        Features = [new IntegrationFeature(IntegrationFeatures.AllowWebChat, true)],
        Tools = ["book_table"],
    };

    [Theory, SqliteCase, PostgresCase]
    public async Task Crud_round_trip(string provider)
    {
        await using var db = await StorageDatabase.CreateAsync(provider);
        var created = await db.Integrations.CreateAsync(NewIntegration() with { Tokens = [new("x", "y", default, null, null)] });
        Assert.False(string.IsNullOrEmpty(created.Id));
        Assert.Empty(created.Tokens);

        var read = (await db.Integrations.GetAsync(created.Id))!;
        Assert.Equal("site", read.Name);
        Assert.Equal("agent-1", read.AgentId);
        Assert.Equal(["https://example.com"], read.Origins);
        Assert.True(read.HasFeature(IntegrationFeatures.AllowWebChat));
        Assert.Equal(["book_table"], read.Tools);
        Assert.Empty(read.Tokens);

        db.Time.Advance(TimeSpan.FromSeconds(30));
        var replaced = await db.Integrations.ReplaceAsync(created.Id, NewIntegration("renamed") with { Enabled = false });
        Assert.NotNull(replaced);
        read = (await db.Integrations.GetAsync(created.Id))!;
        Assert.Equal("renamed", read.Name);
        Assert.False(read.Enabled);
        Assert.Equal(created.CreatedTime, read.CreatedTime);
        Assert.Equal(created.CreatedTime.AddSeconds(30), read.LastUpdateTime);

        Assert.True(await db.Integrations.DeleteAsync(created.Id));
        Assert.Null(await db.Integrations.GetAsync(created.Id));
        Assert.False(await db.Integrations.DeleteAsync(created.Id));
        Assert.Null(await db.Integrations.ReplaceAsync(created.Id, NewIntegration()));
    }

    [Theory, SqliteCase, PostgresCase]
    public async Task List_pages_with_total_and_tokens(string provider)
    {
        await using var db = await StorageDatabase.CreateAsync(provider);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await db.Integrations.CreateAsync(NewIntegration($"i{i}"))).Id);
            db.Time.Advance(TimeSpan.FromSeconds(1));
        }
        await db.Integrations.CreateTokenAsync(ids[2], "web", null);

        var page = await db.Integrations.ListAsync(1, 5);

        Assert.Equal(3, page.Total);
        Assert.Equal(["i1", "i2"], page.Items.Select(i => i.Name));
        Assert.Equal("web", Assert.Single(page.Items[1].Tokens).Name);
    }

    [Theory, SqliteCase, PostgresCase]
    public async Task Token_is_prefixed_authenticates_and_only_its_hash_is_stored(string provider)
    {
        await using var db = await StorageDatabase.CreateAsync(provider);
        var integration = await db.Integrations.CreateAsync(NewIntegration());

        var issued = (await db.Integrations.CreateTokenAsync(integration.Id, "website", null))!;

        Assert.StartsWith(IntegrationTokens.Prefix, issued.Token);
        Assert.Equal(32, Convert.FromBase64String(Base64UrlToBase64(issued.Token[IntegrationTokens.Prefix.Length..])).Length);
        Assert.Equal("website", issued.Name);

        var plainMatches = Convert.ToInt64(await db.ScalarAsync(
            $"SELECT COUNT(*) FROM orch_integration_tokens WHERE token_hash = '{issued.Token}' OR name = '{issued.Token}' OR id = '{issued.Token}'"));
        Assert.Equal(0, plainMatches);
        var storedHash = (string?)await db.ScalarAsync($"SELECT token_hash FROM orch_integration_tokens WHERE id = '{issued.TokenId}'");
        Assert.Equal(IntegrationTokens.Hash(issued.Token), storedHash);
        Assert.Equal(64, storedHash!.Length);

        var auth = await db.Integrations.AuthenticateTokenAsync(issued.Token);
        Assert.NotNull(auth);
        Assert.Equal(integration.Id, auth.Value.Integration.Id);
        Assert.Equal(issued.TokenId, auth.Value.TokenId);
    }

    [Theory, SqliteCase, PostgresCase]
    public async Task Unknown_or_tampered_tokens_do_not_authenticate(string provider)
    {
        await using var db = await StorageDatabase.CreateAsync(provider);
        var integration = await db.Integrations.CreateAsync(NewIntegration());
        var issued = (await db.Integrations.CreateTokenAsync(integration.Id, "website", null))!;

        Assert.Null(await db.Integrations.AuthenticateTokenAsync(""));
        Assert.Null(await db.Integrations.AuthenticateTokenAsync("wit_unknown"));
        Assert.Null(await db.Integrations.AuthenticateTokenAsync(issued.Token + "x"));
        Assert.Null(await db.Integrations.AuthenticateTokenAsync(IntegrationTokens.Hash(issued.Token)));
    }

    [Theory, SqliteCase, PostgresCase]
    public async Task Authentication_records_last_use(string provider)
    {
        await using var db = await StorageDatabase.CreateAsync(provider);
        var integration = await db.Integrations.CreateAsync(NewIntegration());
        var issued = (await db.Integrations.CreateTokenAsync(integration.Id, "website", null))!;
        Assert.Null(Assert.Single(await db.Integrations.ListTokensAsync(integration.Id)).LastUsedAt);

        db.Time.Advance(TimeSpan.FromMinutes(3));
        await db.Integrations.AuthenticateTokenAsync(issued.Token);

        var info = Assert.Single(await db.Integrations.ListTokensAsync(integration.Id));
        Assert.Equal(issued.CreatedAt.AddMinutes(3), info.LastUsedAt);
        Assert.Equal(issued.TokenId, info.TokenId);
        Assert.Equal(issued.CreatedAt, info.CreatedAt);
    }

    [Theory, SqliteCase, PostgresCase]
    public async Task Last_use_is_kept_to_the_minute_so_connects_rarely_write(string provider)
    {
        await using var db = await StorageDatabase.CreateAsync(provider);
        var integration = await db.Integrations.CreateAsync(NewIntegration());
        var issued = (await db.Integrations.CreateTokenAsync(integration.Id, "website", null))!;

        await db.Integrations.AuthenticateTokenAsync(issued.Token);
        db.Time.Advance(TimeSpan.FromSeconds(30));
        await db.Integrations.AuthenticateTokenAsync(issued.Token);
        Assert.Equal(issued.CreatedAt, Assert.Single(await db.Integrations.ListTokensAsync(integration.Id)).LastUsedAt);

        db.Time.Advance(TimeSpan.FromSeconds(31));
        await db.Integrations.AuthenticateTokenAsync(issued.Token);
        Assert.Equal(issued.CreatedAt.AddSeconds(61), Assert.Single(await db.Integrations.ListTokensAsync(integration.Id)).LastUsedAt);
    }

    [Theory, SqliteCase, PostgresCase]
    public async Task Expired_token_does_not_authenticate(string provider)
    {
        await using var db = await StorageDatabase.CreateAsync(provider);
        var integration = await db.Integrations.CreateAsync(NewIntegration());
        var expiresAt = db.Time.GetUtcNow().AddHours(1);
        var issued = (await db.Integrations.CreateTokenAsync(integration.Id, "website", expiresAt))!;
        Assert.Equal(expiresAt, issued.ExpiresAt);
        Assert.Equal(expiresAt, Assert.Single(await db.Integrations.ListTokensAsync(integration.Id)).ExpiresAt);

        db.Time.Advance(TimeSpan.FromMinutes(59));
        Assert.NotNull(await db.Integrations.AuthenticateTokenAsync(issued.Token));
        db.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(await db.Integrations.AuthenticateTokenAsync(issued.Token));
    }

    [Theory, SqliteCase, PostgresCase]
    public async Task Revoked_token_does_not_authenticate_and_is_no_longer_listed(string provider)
    {
        await using var db = await StorageDatabase.CreateAsync(provider);
        var integration = await db.Integrations.CreateAsync(NewIntegration());
        var other = await db.Integrations.CreateAsync(NewIntegration("other"));
        var issued = (await db.Integrations.CreateTokenAsync(integration.Id, "website", null))!;

        Assert.False(await db.Integrations.RevokeTokenAsync(other.Id, issued.TokenId));
        Assert.NotNull(await db.Integrations.AuthenticateTokenAsync(issued.Token));

        Assert.True(await db.Integrations.RevokeTokenAsync(integration.Id, issued.TokenId));
        Assert.False(await db.Integrations.RevokeTokenAsync(integration.Id, issued.TokenId));
        Assert.Null(await db.Integrations.AuthenticateTokenAsync(issued.Token));
        Assert.Empty(await db.Integrations.ListTokensAsync(integration.Id));
        Assert.Empty((await db.Integrations.GetAsync(integration.Id))!.Tokens);
    }

    [Theory, SqliteCase, PostgresCase]
    public async Task Duplicate_token_name_conflicts_per_integration_until_revoked(string provider)
    {
        await using var db = await StorageDatabase.CreateAsync(provider);
        var integration = await db.Integrations.CreateAsync(NewIntegration());
        var other = await db.Integrations.CreateAsync(NewIntegration("other"));
        var first = (await db.Integrations.CreateTokenAsync(integration.Id, "website", null))!;

        await Assert.ThrowsAsync<StorageConflictException>(() => db.Integrations.CreateTokenAsync(integration.Id, "website", null));
        Assert.NotNull(await db.Integrations.CreateTokenAsync(other.Id, "website", null));

        await db.Integrations.RevokeTokenAsync(integration.Id, first.TokenId);
        var second = await db.Integrations.CreateTokenAsync(integration.Id, "website", null);
        Assert.NotNull(second);
        Assert.NotEqual(first.Token, second.Token);
    }

    [Theory, SqliteCase, PostgresCase]
    public async Task Token_for_unknown_integration_is_null(string provider)
    {
        await using var db = await StorageDatabase.CreateAsync(provider);
        Assert.Null(await db.Integrations.CreateTokenAsync("nope", "website", null));
    }

    [Theory, SqliteCase, PostgresCase]
    public async Task Deleting_an_integration_kills_its_tokens(string provider)
    {
        await using var db = await StorageDatabase.CreateAsync(provider);
        var integration = await db.Integrations.CreateAsync(NewIntegration());
        var issued = (await db.Integrations.CreateTokenAsync(integration.Id, "website", null))!;

        await db.Integrations.DeleteAsync(integration.Id);

        Assert.Null(await db.Integrations.AuthenticateTokenAsync(issued.Token));
        Assert.Equal(0L, Convert.ToInt64(await db.ScalarAsync("SELECT COUNT(*) FROM orch_integration_tokens")));
    }

    private static string Base64UrlToBase64(string s)
    {
        s = s.Replace('-', '+').Replace('_', '/');
        return s + new string('=', (4 - s.Length % 4) % 4);
    }
}
