using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Orchestrator.Node.Tests.Infrastructure;

namespace Orchestrator.Node.Tests.WebSockets;

/// <summary>Resume (ours): a conversation outlives its socket for the grace period.</summary>
public sealed class ResumeTests(ChatNodeFixture fixture) : IClassFixture<ChatNodeFixture>
{
    [Fact]
    public async Task A_new_socket_resumes_with_the_transcript_and_the_pending_tool_request()
    {
        var token = await fixture.TokenAsync();
        var first = await fixture.ConnectAsync(token);
        await first.InitializeAsync();
        var id = (await first.NextAsync("event", "connection"))["data"]!["conversationId"]!.GetValue<string>();
        await first.ExpectAsync("text");
        foreach (var line in new[] { "book a table for 3 people", "2030-02-03", "20:00", "Cleo" })
        {
            await first.SayAsync(line);
            await first.NextTextAsync("user");
            await first.NextTextAsync("assistant");
        }
        var call = await first.NextAsync("toolCall");
        var callId = call["content"]!["id"]!.GetValue<string>();
        first.Abort();

        await using var second = await fixture.ConnectAsync(token);
        await second.ResumeAsync(id);
        Assert.Equal(id, (await second.NextAsync("event", "connection"))["data"]!["conversationId"]!.GetValue<string>());
        await second.NextAsync("event", "opened");
        var transcript = new List<string>();
        for (var i = 0; i < 9; i++) transcript.Add(await ReadTextAsync(second));
        Assert.Equal("book a table for 3 people", transcript[1]);
        Assert.Equal("Cleo", transcript[7]);
        Assert.Equal(callId, (await second.NextAsync("toolCall"))["content"]!["id"]!.GetValue<string>());
        await second.NextAsync("websocketToolRequest");

        await second.AnswerToolAsync(callId, new JsonObject { ["confirmation"] = "R-9" });
        await second.ExpectAsync("toolCallResult");
        Assert.Equal("You're booked! Your confirmation code is R-9.", await second.NextTextAsync("assistant"));
    }

    [Fact]
    public async Task Without_a_resume_the_conversation_ends_with_connection_lost()
    {
        var client = await fixture.ConnectAsync(await fixture.TokenAsync());
        await client.InitializeAsync();
        var id = (await client.NextAsync("event", "connection"))["data"]!["conversationId"]!.GetValue<string>();
        await client.ExpectAsync("text");
        client.Abort();

        var result = await fixture.Node.WaitForResultAsync(id);
        Assert.Equal("connection_lost", result["finishReason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Resuming_an_unknown_or_ended_conversation_is_refused()
    {
        await using (var unknown = await fixture.ConnectAsync(await fixture.TokenAsync()))
        {
            await unknown.ResumeAsync(Guid.NewGuid().ToString());
            await unknown.ExpectErrorAndCloseAsync("Unknown conversation", 1008);
        }

        var token = await fixture.TokenAsync();
        await using var client = await fixture.ConnectAsync(token);
        await client.InitializeAsync();
        var id = (await client.NextAsync("event", "connection"))["data"]!["conversationId"]!.GetValue<string>();
        await client.TerminateAsync();
        await client.ExpectAsync("event", "closed");

        await using var late = await fixture.ConnectAsync(token);
        await late.ResumeAsync(id);
        await late.ExpectErrorAndCloseAsync("Conversation has ended", 1008);
    }

    [Fact]
    public async Task Another_agents_token_cannot_resume_a_conversation()
    {
        await using var client = await fixture.ConnectAsync(await fixture.TokenAsync());
        await client.InitializeAsync();
        var id = (await client.NextAsync("event", "connection"))["data"]!["conversationId"]!.GetValue<string>();

        var other = await fixture.CreateAgentAsync(ChatNodeFixture.DemoAgent());
        await using var intruder = await fixture.ConnectAsync(await fixture.TokenAsync(agent: other));
        await intruder.ResumeAsync(id);
        await intruder.ExpectErrorAndCloseAsync("Conversation belongs to another agent", 1008);
    }

    private static async Task<string> ReadTextAsync(ProtocolClient client) =>
        (await client.NextAsync("text"))["content"]!["text"]!.GetValue<string>();
}
