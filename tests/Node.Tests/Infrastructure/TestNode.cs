using Microsoft.Extensions.Configuration;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Node.Hosting;

namespace Orchestrator.Node.Tests.Infrastructure;

/// <summary>
/// The real node on a real Kestrel, bound to 127.0.0.1 on a free port, with its own database.
/// Stop and start it again on the same database to test restarts.
/// </summary>
public sealed class TestNode : IAsyncDisposable
{
    public const string ApiKey = "test-api-key-0123456789";

    private readonly WebApplication _app;

    public Uri BaseAddress { get; }
    public IServiceProvider Services => _app.Services;
    public TestDatabase Database { get; }

    private TestNode(WebApplication app, Uri baseAddress, TestDatabase database)
    {
        _app = app;
        BaseAddress = baseAddress;
        Database = database;
    }

    /// <param name="configure">Runs on the builder after the settings (a test's own log provider, say).</param>
    public static async Task<TestNode> StartAsync(TestDatabase database, IDictionary<string, string?>? settings = null,
        Action<WebApplicationBuilder>? configure = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["Orchestrator:Storage:Provider"] = database.Provider,
            ["Orchestrator:Storage:ConnectionString"] = database.ConnectionString,
            ["Orchestrator:ApiKeys:0"] = ApiKey,
            ["Orchestrator:SeedDemo"] = "false",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) all[k] = v;

        var app = NodeHost.Build(["--environment", "Testing", "--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Configuration.AddInMemoryCollection(all);
            configure?.Invoke(builder);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestNode(app, new Uri(address.Replace("0.0.0.0", "127.0.0.1")), database);
    }

    public HttpClient CreateClient(bool authorized = true)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        if (authorized)
            client.DefaultRequestHeaders.Authorization = new("Bearer", ApiKey);
        return client;
    }

    /// <summary>The stored result of a conversation, polled until it is there or <paramref name="wait"/> passes.</summary>
    /// <summary>
    /// Waits until a queued call (POST /calls) is Completed, Failed or Canceled, then returns its
    /// results row, which by then is the full result of its last attempt.
    /// </summary>
    public async Task<System.Text.Json.Nodes.JsonObject> WaitForCallEndAsync(string callId, TimeSpan? wait = null)
    {
        using var http = CreateClient();
        var deadline = DateTime.UtcNow + (wait ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var call = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>(http, $"/api/v1/calls/{callId}");
            if (call?["status"]?.GetValue<string>() is "Completed" or "Failed" or "Canceled")
                return await WaitForResultAsync(callId);
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Call {callId} did not end (status {call?["status"]})");
            await Task.Delay(100);
        }
    }

    public async Task<System.Text.Json.Nodes.JsonObject> WaitForResultAsync(string conversationId, TimeSpan? wait = null)
    {
        using var http = CreateClient();
        var deadline = DateTime.UtcNow + (wait ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var response = await http.GetAsync($"/api/v1/callresults/{conversationId}");
            if (response.IsSuccessStatusCode)
                return (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>(response.Content))!;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"No stored result for {conversationId}");
            await Task.Delay(100);
        }
    }

    public Uri WebSocketUri(string query) =>
        new($"ws://{BaseAddress.Authority}/api/v1/ws/webCall{(query.Length > 0 ? "?" + query.TrimStart('?') : "")}");

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
