using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Node.Tests.Api;
using Orchestrator.Node.Tests.Infrastructure;
using Orchestrator.Storage.ApiKeys;

namespace Orchestrator.Node.Tests.Limits;

/// <summary>A node with tight edge limits; each test is its own client address so none spends another's allowance.</summary>
public sealed class EdgeLimitNodeFixture : ChatNodeFixture
{
    public const string TrustedProxy = "127.0.0.9";

    protected override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Orchestrator:Limits:ApiKeyBurst"] = "3";
        settings["Orchestrator:Limits:ApiKeyRequestsPerSecond"] = "1";
        settings["Orchestrator:Limits:ClientBurst"] = "20";
        settings["Orchestrator:Limits:ClientRequestsPerSecond"] = "1";
        settings["Orchestrator:Limits:ClientConnectionsPerMinute"] = "5";
        settings["Orchestrator:Limits:FailedAttemptsPerMinute"] = "3";
        settings["Orchestrator:Limits:TrustedProxies:0"] = TrustedProxy;
        // Practically no refill, so the test does not depend on how fast the machine sends.
        settings["Orchestrator:Limits:SocketMessageBurst"] = "3";
        settings["Orchestrator:Limits:SocketMessagesPerSecond"] = "0.0001";
        settings["Orchestrator:Limits:SocketExcessBeforeClose"] = "3";
        return settings;
    }

    /// <summary>A stored key of its own (its own rate bucket), made without spending any request.</summary>
    public async Task<string> KeyAsync(params string[] scopes) =>
        (await Node.Services.GetRequiredService<IApiKeyStore>().CreateAsync("limits", scopes, null)).Key;
}

public sealed class EdgeLimitTests(EdgeLimitNodeFixture fixture) : IClassFixture<EdgeLimitNodeFixture>
{
    [Fact]
    public async Task A_key_beyond_its_rate_gets_429_with_retry_after()
    {
        using var http = SourceAddress.Client(fixture.Node, "127.0.0.2", await fixture.KeyAsync("agents"));
        for (var i = 0; i < 3; i++)
            await (await http.GetAsync("/api/v1/agents")).ExpectAsync(HttpStatusCode.OK);

        var refused = await http.GetAsync("/api/v1/agents");
        var problem = await refused.ExpectProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal("This API key made more requests than its rate limit allows.", (string?)problem["detail"]);
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {refused.Headers.RetryAfter}");
    }

    [Fact]
    public async Task An_address_beyond_its_request_rate_gets_429_with_retry_after()
    {
        using var http = SourceAddress.Client(fixture.Node, "127.0.0.3");
        HttpResponseMessage response;
        var sent = 0;
        do response = await http.GetAsync("/healthz");
        while (response.StatusCode != HttpStatusCode.TooManyRequests && ++sent < 100);

        var problem = await response.ExpectProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal("This address made more requests than its rate limit allows.", (string?)problem["detail"]);
        Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {response.Headers.RetryAfter}");
        Assert.InRange(sent, 20, 40); // the burst, and the odd token refilled while it was spent
    }

    [Fact]
    public async Task An_address_beyond_its_connection_rate_gets_rate_limit_exceeded()
    {
        using var handler = SourceAddress.Handler("127.0.0.4");
        var token = await fixture.TokenAsync();
        var uri = fixture.Node.WebSocketUri("token=" + Uri.EscapeDataString(token));
        for (var i = 0; i < 5; i++)
        {
            await using var ok = await ProtocolClient.ConnectAsync(uri, invoker: new HttpMessageInvoker(handler, false));
            await ok.InitializeAsync();
            await ok.ExpectAsync("event", "opened", ProtocolClient.StartWait);
        }

        await using var refused = await ProtocolClient.ConnectAsync(uri, invoker: new HttpMessageInvoker(handler, false));
        await refused.ExpectErrorAndCloseAsync("Rate limit exceeded", 1008);
    }

    [Fact]
    public async Task Repeated_bad_tokens_get_too_many_failed_attempts_on_the_socket_and_429_on_rest()
    {
        using var handler = SourceAddress.Handler("127.0.0.5");
        var key = await fixture.KeyAsync("agents");
        var good = await fixture.TokenAsync();
        for (var i = 0; i < 3; i++)
        {
            await using var bad = await ProtocolClient.ConnectAsync(fixture.Node.WebSocketUri("token=wit_guess" + i), invoker: new HttpMessageInvoker(handler, false));
            await bad.ExpectErrorAndCloseAsync("Invalid token", 1008);
        }

        // Even a good token is refused now, so guessing cannot go on behind it.
        await using (var blocked = await ProtocolClient.ConnectAsync(fixture.Node.WebSocketUri("token=" + Uri.EscapeDataString(good)), invoker: new HttpMessageInvoker(handler, false)))
            await blocked.ExpectErrorAndCloseAsync("Too many failed attempts", 1008);

        using var http = new HttpClient(handler, false) { BaseAddress = fixture.Node.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new("Bearer", key);
        var refused = await http.GetAsync("/api/v1/agents");
        var problem = await refused.ExpectProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Equal("Too many failed attempts", (string?)problem["detail"]);
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));

        // Another address is not affected.
        using var other = SourceAddress.Client(fixture.Node, "127.0.0.6", key);
        await (await other.GetAsync("/api/v1/agents")).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Forwarded_addresses_count_only_from_a_trusted_proxy()
    {
        // Through the trusted proxy, each forwarded client is throttled on its own.
        using var proxy = SourceAddress.Client(fixture.Node, EdgeLimitNodeFixture.TrustedProxy, "oak_wrong");
        for (var i = 0; i < 3; i++)
            await (await Forwarded(proxy, "10.9.9.1")).ExpectProblemAsync(HttpStatusCode.Unauthorized);
        await (await Forwarded(proxy, "10.9.9.1")).ExpectProblemAsync(HttpStatusCode.TooManyRequests);
        await (await Forwarded(proxy, "10.9.9.2")).ExpectProblemAsync(HttpStatusCode.Unauthorized);

        // Anyone else's X-Forwarded-For is ignored: rotating it does not dodge the throttle.
        using var direct = SourceAddress.Client(fixture.Node, "127.0.0.7", "oak_wrong");
        for (var i = 0; i < 3; i++)
            await (await Forwarded(direct, $"10.8.8.{i}")).ExpectProblemAsync(HttpStatusCode.Unauthorized);
        await (await Forwarded(direct, "10.8.8.9")).ExpectProblemAsync(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task Messages_beyond_the_socket_rate_are_dropped_with_an_error_and_a_flood_is_closed()
    {
        using var handler = SourceAddress.Handler("127.0.0.8");
        var token = await fixture.TokenAsync();
        await using var client = await ProtocolClient.ConnectAsync(fixture.Node.WebSocketUri("token=" + Uri.EscapeDataString(token)),
            invoker: new HttpMessageInvoker(handler, false));
        await client.InitializeAsync();
        await client.ExpectAsync("event", "opened", ProtocolClient.StartWait);
        for (var i = 0; i < 3; i++)
        {
            await client.SayAsync($"message {i}");
            var echo = await client.ExpectAsync("text");
            while ((string?)echo["content"]!["source"] != "user") echo = await client.ExpectAsync("text");
            Assert.Equal($"message {i}", (string?)echo["content"]!["text"]);
        }

        for (var i = 3; i < 6; i++) await client.SayAsync($"message {i}");

        // Three errors, the socket closed 1008 after the third, and none of the three reached the conversation.
        var errors = new List<string>();
        while (await client.ReceiveAsync() is { } frame)
        {
            if ((string?)frame["type"] == "error") errors.Add((string)frame["data"]!["message"]!);
            if ((string?)frame["type"] == "text")
                Assert.NotEqual("user", (string?)frame["content"]!["source"]);
        }
        Assert.Equal(["Rate limit exceeded", "Rate limit exceeded", "Rate limit exceeded"], errors);
        Assert.Equal(1008, (int)client.CloseStatus!.Value);
    }

    private static Task<HttpResponseMessage> Forwarded(HttpClient client, string forwardedFor)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/agents");
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return client.SendAsync(request);
    }
}
