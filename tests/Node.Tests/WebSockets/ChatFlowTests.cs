using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Orchestrator.Node.Tests.Infrastructure;

namespace Orchestrator.Node.Tests.WebSockets;

/// <summary>The chat sequence of protocol.md end to end, on a real node with the demo booking agent.</summary>
public abstract class ChatFlowTests<TFixture>(TFixture fixture) where TFixture : ChatNodeFixture
{
    [Fact]
    public async Task A_booking_conversation_with_a_client_tool_from_greeting_to_stored_result()
    {
        await using var client = await fixture.ConnectAsync(await fixture.TokenAsync());
        await client.InitializeAsync(additionalData: new JsonObject { ["firstName"] = "Ada", ["customerId"] = "c-42" });

        var connection = await client.NextAsync("event", "connection");
        var id = connection["data"]!["conversationId"]!.GetValue<string>();
        Assert.Equal(id, connection["data"]!["recordId"]!.GetValue<string>());
        Assert.Equal(id, connection["data"]!["jobId"]!.GetValue<string>());
        Assert.True(connection.ContainsKey("channelId") && connection["channelId"] is null);
        Assert.EndsWith("Z", connection["timestamp"]!.GetValue<string>());
        await client.NextAsync("event", "opened");
        Assert.StartsWith("Hello Ada, welcome to Trattoria Roma!", await client.NextTextAsync("assistant"));

        await client.SayAsync("I'd like to book a table for 4 people");
        Assert.Equal("I'd like to book a table for 4 people", await client.NextTextAsync("user"));
        Assert.Equal("For which day?", await client.NextTextAsync("assistant"));
        await client.SayAsync("2030-05-17");
        await client.NextTextAsync("user");
        Assert.Equal("At what time?", await client.NextTextAsync("assistant"));
        await client.SayAsync("7pm");
        await client.NextTextAsync("user");
        Assert.Equal("And what name should the booking be under?", await client.NextTextAsync("assistant"));
        await client.SayAsync("Ada Lovelace");
        await client.NextTextAsync("user");
        Assert.StartsWith("Thank you, Ada Lovelace.", await client.NextTextAsync("assistant"));

        var toolCall = await client.NextAsync("toolCall");
        var request = await client.NextAsync("websocketToolRequest");
        var callId = toolCall["content"]!["id"]!.GetValue<string>();
        Assert.Equal(callId, request["content"]!["id"]!.GetValue<string>());
        Assert.Equal("book_table", toolCall["content"]!["toolName"]!.GetValue<string>());
        var args = toolCall["content"]!["args"]!;
        Assert.Equal("c-42", args["customerId"]!.GetValue<string>());
        Assert.Equal("Ada Lovelace", args["name"]!.GetValue<string>());

        await client.AnswerToolAsync(callId, new JsonObject { ["confirmation"] = "TR-1234" });
        var logged = await client.NextAsync("toolCallResult");
        Assert.Equal(("ok", "TR-1234"), (logged["content"]!["status"]!.GetValue<string>(),
            logged["content"]!["result"]!["confirmation"]!.GetValue<string>()));
        Assert.Equal("You're booked! Your confirmation code is TR-1234.", await client.NextTextAsync("assistant"));

        // A second answer for the same id is ignored (first wins): the next frame is the goodbye flow.
        await client.AnswerToolAsync(callId, new JsonObject { ["confirmation"] = "other" });
        await client.SayAsync("that's all, bye");
        await client.NextTextAsync("user");
        Assert.StartsWith("Thank you for choosing Trattoria Roma", await client.NextTextAsync("assistant"));

        var result = (await client.NextAsync("conversationResult"))["result"]!;
        Assert.Equal((id, "agent_ended", "Completed", "chat"), (result["conversationId"]!.GetValue<string>(),
            result["finishReason"]!.GetValue<string>(), result["status"]!.GetValue<string>(), result["callType"]!.GetValue<string>()));
        Assert.Equal(12, result["transcription"]!.AsArray().Count);
        Assert.Equal("TR-1234", result["toolCalls"]![0]!["result"]!["confirmation"]!.GetValue<string>());
        var closed = await client.NextAsync("event", "closed");
        Assert.Equal("agent_ended", closed["data"]!["finishReason"]!.GetValue<string>());
        Assert.Null(await client.ReceiveAsync());
        Assert.Equal(1000, (int)client.CloseStatus!.Value);

        var stored = await fixture.Node.WaitForResultAsync(id);
        Assert.Equal("agent_ended", stored["finishReason"]!.GetValue<string>());
        Assert.Equal("Ada", stored["additionalData"]!["firstName"]!.GetValue<string>());
    }

    [Fact]
    public async Task Terminate_ends_with_user_terminated()
    {
        await using var client = await fixture.ConnectAsync(await fixture.TokenAsync());
        await client.InitializeAsync();
        var id = (await client.NextAsync("event", "connection"))["data"]!["conversationId"]!.GetValue<string>();
        await client.ExpectAsync("text");
        await client.TerminateAsync();
        var result = (await client.ExpectAsync("conversationResult"))["data"]!;
        Assert.Equal("user_terminated", result["finishReason"]!.GetValue<string>());
        await client.NextAsync("event", "closed");
        Assert.Null(await client.ReceiveAsync());
        Assert.Equal(1000, (int)client.CloseStatus!.Value);
        Assert.Equal("user_terminated", (await fixture.Node.WaitForResultAsync(id))["finishReason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Without_the_result_and_log_features_the_client_gets_neither()
    {
        var token = await fixture.TokenAsync(features: ["AllowWebChat"]);
        await using var client = await fixture.ConnectAsync(token);
        await client.InitializeAsync();
        await client.NextAsync("event", "connection");
        await client.NextAsync("event", "opened");
        await client.NextTextAsync("assistant");
        await client.TerminateAsync();
        await client.NextAsync("event", "closed"); // no conversationResult before it
    }

    [Fact]
    public async Task A_tool_that_is_never_answered_times_out_with_its_fallback()
    {
        var agent = ChatNodeFixture.DemoAgent();
        agent = agent with
        {
            Config = agent.Config with { Tools = [agent.Config.Tools[0] with { TimeoutSeconds = 0.5 }] },
        };
        agent = await fixture.CreateAgentAsync(agent);
        await using var client = await fixture.ConnectAsync(await fixture.TokenAsync(agent: agent));
        await client.InitializeAsync();
        await client.ExpectAsync("text");
        foreach (var line in new[] { "book a table for 2 people", "2030-01-02", "19:30", "Bob" })
            await client.SayAsync(line);
        var call = await client.ExpectAsync("toolCall");
        var logged = await client.ExpectAsync("toolCallResult", wait: TimeSpan.FromSeconds(5));
        Assert.Equal(call["content"]!["id"]!.GetValue<string>(), logged["content"]!["id"]!.GetValue<string>());
        Assert.Equal("timeout", logged["content"]!["status"]!.GetValue<string>());
        Assert.Equal("We will call you to confirm.", logged["content"]!["result"]!["message"]!.GetValue<string>());
        Assert.StartsWith("The booking system is slow right now", await client.NextTextAsync("assistant"));
    }

    [Fact]
    public async Task A_tool_the_integration_does_not_let_the_client_run_gets_its_fallback_with_status_error()
    {
        await using var client = await fixture.ConnectAsync(await fixture.TokenAsync(clientTools: []));
        await client.InitializeAsync();
        await client.ExpectAsync("text");
        foreach (var line in new[] { "book a table for 2 people", "2030-01-02", "19:30", "Dee" })
            await client.SayAsync(line);
        var logged = await client.ExpectAsync("toolCallResult");
        Assert.Equal("error", logged["content"]!["status"]!.GetValue<string>());
        Assert.Equal("We will call you to confirm.", logged["content"]!["result"]!["message"]!.GetValue<string>());
        Assert.StartsWith("Sorry, I couldn't complete the booking", await client.NextTextAsync("assistant"));
    }

    [Fact]
    public async Task A_disabled_agent_fails_to_open()
    {
        var agent = await fixture.CreateAgentAsync(ChatNodeFixture.DemoAgent() with { IsEnabled = false });
        await using var client = await fixture.ConnectAsync(await fixture.TokenAsync(agent: agent));
        await client.InitializeAsync();
        var failed = await client.NextAsync("event", "failedOpen");
        Assert.Equal("Agent is disabled", failed["data"]!["reason"]!.GetValue<string>());
        Assert.Null(await client.ReceiveAsync());
    }

    [Fact]
    public async Task Server_to_server_clients_use_an_api_key_and_agent_id()
    {
        foreach (var viaHeader in new[] { false, true })
        {
            var query = $"agentId={fixture.Agent.AgentId}" + (viaHeader ? "" : $"&authorization={TestNode.ApiKey}");
            await using var client = await ProtocolClient.ConnectAsync(fixture.Node.WebSocketUri(query),
                bearer: viaHeader ? TestNode.ApiKey : null);
            await client.InitializeAsync();
            await client.NextAsync("event", "connection");
            await client.NextAsync("event", "opened");
        }
    }
}

public sealed class ChatFlowOnSqliteTests(ChatNodeFixture fixture)
    : ChatFlowTests<ChatNodeFixture>(fixture), IClassFixture<ChatNodeFixture>;

public sealed class ChatFlowOnPostgresTests(PostgresChatNodeFixture fixture)
    : ChatFlowTests<PostgresChatNodeFixture>(fixture), IClassFixture<PostgresChatNodeFixture>;
