using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Messages.Integrations;
using Orchestrator.Node.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using Orchestrator.Storage;
using Orchestrator.Storage.Integrations;

namespace Orchestrator.Node.Tests.Limits;

/// <summary>A web integration's maxConcurrentConversations and maxConversationsPerMinute over real sockets.</summary>
public sealed class IntegrationCapTests(EdgeLimitNodeFixture fixture) : IClassFixture<EdgeLimitNodeFixture>
{
    private static int _nextAddress;

    [Fact]
    public async Task Over_max_concurrent_conversations_a_socket_gets_too_many_conversations_and_nothing_is_created()
    {
        var token = await TokenAsync(maxConcurrent: 2, perMinute: 1000);
        await using var first = await OpenAsync(token);
        await using var second = await OpenAsync(token);
        var before = await CountsAsync();

        await using (var refused = await ConnectAsync(token))
            await refused.ExpectErrorAndCloseAsync("Too many conversations", 1008);
        Assert.Equal(before, await CountsAsync());

        // The slot comes back when a conversation's socket ends.
        await first.TerminateAsync();
        await first.ExpectAsync("event", "closed", ProtocolClient.StartWait);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            await using var again = await ConnectAsync(token);
            try
            {
                await again.InitializeAsync();
            }
            catch (System.Net.WebSockets.WebSocketException) { } // refused and closed before the send: the frame is still read below
            var frame = await again.ReceiveAsync();
            if ((string?)frame?["type"] != "error") break;
            Assert.Equal("Too many conversations", (string?)frame!["data"]!["message"]);
            Assert.True(DateTime.UtcNow < deadline, "the ended conversation's slot never came back");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Over_max_conversations_per_minute_a_socket_gets_rate_limit_exceeded()
    {
        var token = await TokenAsync(maxConcurrent: 100, perMinute: 2);
        for (var i = 0; i < 2; i++)
            await using (await OpenAsync(token)) { }

        await using var refused = await ConnectAsync(token);
        await refused.ExpectErrorAndCloseAsync("Rate limit exceeded", 1008);
    }

    private async Task<string> TokenAsync(int maxConcurrent, int perMinute)
    {
        var store = fixture.Node.Services.GetRequiredService<IWebIntegrationStore>();
        var integration = await store.CreateAsync(new WebIntegration
        {
            Name = "capped-" + Guid.NewGuid().ToString("N")[..8],
            AgentId = fixture.Agent.AgentId,
            Features = [new IntegrationFeature(IntegrationFeatures.AllowWebChat, true)],
            MaxConcurrentConversations = maxConcurrent,
            MaxConversationsPerMinute = perMinute,
        });
        return (await store.CreateTokenAsync(integration.Id, "t", null))!.Token;
    }

    /// <summary>Each connection from its own address, so the node's per-address connection rate stays out of the way.</summary>
    private Task<ProtocolClient> ConnectAsync(string token) =>
        ProtocolClient.ConnectAsync(fixture.Node.WebSocketUri("token=" + Uri.EscapeDataString(token)),
            invoker: new HttpMessageInvoker(SourceAddress.Handler($"127.0.1.{Interlocked.Increment(ref _nextAddress)}")));

    private async Task<ProtocolClient> OpenAsync(string token)
    {
        var client = await ConnectAsync(token);
        await client.InitializeAsync();
        await client.ExpectAsync("event", "opened", ProtocolClient.StartWait);
        return client;
    }

    /// <summary>
    /// Journaled conversations (distinct persistence ids: the two open ones keep journaling their own
    /// events meanwhile), live conversations and stored results: what a conversation that was created leaves.
    /// </summary>
    private async Task<(long Journal, long Live, long Results)> CountsAsync()
    {
        var storage = fixture.Node.Services.GetRequiredService<IOptions<StorageOptions>>().Value;
        static async Task<long> Count(string connectionString, string table, string what = "*")
        {
            await using var connection = new SqliteConnection(connectionString);
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT COUNT({what}) FROM {table}";
            return (long)(await command.ExecuteScalarAsync())!;
        }
        return (await Count(storage.EffectiveJournalConnectionString, "event_journal", "DISTINCT persistence_id"),
            await Count(storage.EffectiveConnectionString, "orch_live_conversations"),
            await Count(storage.EffectiveConnectionString, "orch_conversation_results"));
    }
}
