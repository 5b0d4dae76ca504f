using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Orchestrator.Node.Tests.Infrastructure;

namespace Orchestrator.Node.Tests.WebSockets;

public sealed class OperationsTests(ChatNodeFixture fixture) : IClassFixture<ChatNodeFixture>
{
    [Fact]
    public async Task Liveness_checks_the_actor_system_and_readiness_also_the_cluster_and_database()
    {
        using var http = fixture.Node.CreateClient(authorized: false);
        var live = await http.GetFromJsonAsync<JsonObject>("/healthz");
        Assert.Equal("Healthy", live!["status"]!.GetValue<string>());
        Assert.Equal(["akka.actorsystem"], live["checks"]!.AsObject().Select(c => c.Key));

        JsonObject? ready = null;
        for (var i = 0; i < 50 && ready?["status"]?.GetValue<string>() != "Healthy"; i++)
        {
            var response = await http.GetAsync("/readyz");
            ready = await response.Content.ReadFromJsonAsync<JsonObject>();
            await Task.Delay(100);
        }
        Assert.Equal("Healthy", ready!["status"]!.GetValue<string>());
        Assert.Contains("database", ready["checks"]!.AsObject().Select(c => c.Key));
        Assert.Contains("akka.cluster.join", ready["checks"]!.AsObject().Select(c => c.Key));
    }

    [Fact]
    public async Task Concurrency_counts_live_conversations_and_needs_the_api_key()
    {
        using var anonymous = fixture.Node.CreateClient(authorized: false);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/misc/concurrency")).StatusCode);

        await using var client = await fixture.ConnectAsync(await fixture.TokenAsync());
        await client.InitializeAsync();
        await client.NextAsync("event", "connection");
        using var http = fixture.Node.CreateClient();
        var counts = await http.GetFromJsonAsync<JsonObject>("/api/v1/misc/concurrency");
        Assert.True(counts!["active"]!.GetValue<int>() >= 1);
        Assert.Equal(0, counts["queued"]!.GetValue<int>());
    }
}

public sealed class DemoPageTests(ChatNodeFixture fixture) : IClassFixture<ChatNodeFixture>
{
    [Fact]
    public async Task The_demo_page_and_its_script_are_served_at_the_root()
    {
        using var http = fixture.Node.CreateClient(authorized: false);
        var page = await http.GetAsync("/");
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        Assert.Contains("demo.js", await page.Content.ReadAsStringAsync());
        var script = await http.GetStringAsync("/demo.js");
        Assert.Contains("/api/v1/ws/webCall", script);
    }
}

public sealed class SqliteTuningTests(ChatNodeFixture fixture) : IClassFixture<ChatNodeFixture>
{
    [Fact]
    public async Task The_journal_opens_its_sqlite_connections_through_our_pragmas()
    {
        await using var client = await fixture.ConnectAsync(await fixture.TokenAsync());
        await client.InitializeAsync();
        await client.NextAsync("event", "connection");
        await client.ExpectAsync("text");
        var interceptor = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<Orchestrator.Node.Hosting.SqliteJournalInterceptor>(fixture.Node.Services);
        Assert.True(interceptor.Opened > 0, "the journal never opened a connection through the interceptor");
    }
}
