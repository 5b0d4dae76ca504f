using System.Text;
using Orchestrator.Node.Tests.Infrastructure;

namespace Orchestrator.Node.Tests.WebSockets;

/// <summary>Garbage over a real socket: every frame gets a protocol answer and the node stays healthy.</summary>
public sealed class SocketFuzzTests(ChatNodeFixture fixture) : IClassFixture<ChatNodeFixture>
{
    [Fact]
    public async Task Random_frames_never_crash_the_node_or_leak_exception_text()
    {
        var random = new Random(1234);
        var token = await fixture.TokenAsync();
        var fragments = new[]
        {
            "{", "}", "\"type\"", ":", "\"initialize\"", "\"incomingChatMessage\"", "\"content\"", "\"request\"",
            "{\"callType\":\"chat\"}", "null", "[", "]", ",", "1e999", "\"\\u0000\"", "\"websocketToolResponse\"", "\"data\"",
        };
        for (var round = 0; round < 40; round++)
        {
            await using var client = await fixture.ConnectAsync(token);
            var text = round % 3 == 0
                ? Encoding.UTF8.GetString(Enumerable.Range(0, random.Next(1, 60)).Select(_ => (byte)random.Next(32, 127)).ToArray())
                : string.Concat(Enumerable.Range(0, random.Next(1, 12)).Select(_ => fragments[random.Next(fragments.Length)]));
            await client.SendTextAsync(text);
            var answer = await client.ReceiveAsync(TimeSpan.FromSeconds(5));
            Assert.NotNull(answer);
            var type = answer!["type"]!.GetValue<string>();
            Assert.Contains(type, new[] { "error", "event" });
            if (type == "error")
            {
                var message = answer["data"]!["message"]!.GetValue<string>();
                Assert.DoesNotContain("Exception", message);
                Assert.DoesNotContain(" at ", message);
            }
        }

        // Still serving conversations.
        await using var healthy = await fixture.ConnectAsync(token);
        await healthy.InitializeAsync();
        await healthy.NextAsync("event", "connection");
        using var http = fixture.Node.CreateClient(authorized: false);
        Assert.True((await http.GetAsync("/healthz")).IsSuccessStatusCode);
    }
}
