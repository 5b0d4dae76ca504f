using System.Net.Http.Json;
using System.Net;
using System.Text.Json.Nodes;
using Orchestrator.Messages.Integrations;
using Orchestrator.Node.Tests.Infrastructure;

namespace Orchestrator.Node.Tests.WebSockets;

/// <summary>Authentication, init rules, frame rules and close codes of protocol.md, each on a real socket.</summary>
public sealed class ConnectionRulesTests(ChatNodeFixture fixture) : IClassFixture<ChatNodeFixture>
{
    [Fact]
    public async Task Missing_token()
    {
        await using var client = await ProtocolClient.ConnectAsync(fixture.Node.WebSocketUri(""));
        await client.ExpectErrorAndCloseAsync("Missing token", 1008);
    }

    [Fact]
    public async Task Invalid_token()
    {
        await using var client = await fixture.ConnectAsync("wit_not-a-real-token");
        await client.ExpectErrorAndCloseAsync("Invalid token", 1008);
    }

    [Fact]
    public async Task Expired_token_is_invalid()
    {
        var token = await fixture.TokenAsync(expiresAt: DateTimeOffset.UtcNow.AddSeconds(-5));
        await using var client = await fixture.ConnectAsync(token);
        await client.ExpectErrorAndCloseAsync("Invalid token", 1008);
    }

    [Fact]
    public async Task Revoked_token_is_invalid()
    {
        var token = await fixture.TokenAsync();
        using var http = fixture.Node.CreateClient();
        var integrations = (await http.GetFromJsonAsync<JsonObject>("/api/v1/web-integrations?take=1000"))!["items"]!.AsArray();
        foreach (var integration in integrations)
            foreach (var t in integration!["tokens"]!.AsArray())
                await http.DeleteAsync($"/api/v1/web-integrations/{integration["id"]}/tokens/{t!["tokenId"]}");
        await using var client = await fixture.ConnectAsync(token);
        await client.ExpectErrorAndCloseAsync("Invalid token", 1008);
    }

    [Fact]
    public async Task Disabled_integration()
    {
        await using var client = await fixture.ConnectAsync(await fixture.TokenAsync(enabled: false));
        await client.ExpectErrorAndCloseAsync("Web integration is not enabled", 1008);
    }

    [Fact]
    public async Task Origin_must_be_listed()
    {
        var token = await fixture.TokenAsync(origins: ["https://shop.example"]);
        await using (var wrong = await fixture.ConnectAsync(token, origin: "https://evil.example"))
            await wrong.ExpectErrorAndCloseAsync("Origin not allowed", 1008);
        await using var right = await fixture.ConnectAsync(token, origin: "https://shop.example");
        await right.InitializeAsync();
        await right.NextAsync("event", "connection");
    }

    [Fact]
    public async Task Wrong_api_key_and_missing_agent_id()
    {
        await using (var wrongKey = await ProtocolClient.ConnectAsync(fixture.Node.WebSocketUri($"authorization=nope&agentId={fixture.Agent.AgentId}")))
            await wrongKey.ExpectErrorAndCloseAsync("Invalid token", 1008);
        await using var noAgent = await ProtocolClient.ConnectAsync(fixture.Node.WebSocketUri($"authorization={TestNode.ApiKey}"));
        await noAgent.ExpectErrorAndCloseAsync("Missing agentId", 1008);
    }

    [Fact]
    public async Task A_plain_get_without_upgrade_is_a_400_problem()
    {
        using var http = fixture.Node.CreateClient(authorized: false);
        var response = await http.GetAsync("/api/v1/ws/webCall");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Messages_before_init_get_an_error_and_the_socket_stays_open()
    {
        await using var client = await fixture.ConnectAsync(await fixture.TokenAsync());
        await client.SayAsync("hello?");
        Assert.Equal("Init message not received", (await client.NextAsync("error"))["data"]!["message"]!.GetValue<string>());
        await client.InitializeAsync();
        await client.NextAsync("event", "connection");
    }

    [Fact]
    public async Task A_second_initialize_is_refused_and_the_conversation_goes_on()
    {
        await using var client = await fixture.ConnectAsync(await fixture.TokenAsync());
        await client.InitializeAsync();
        await client.NextAsync("event", "connection");
        await client.NextAsync("event", "opened");
        await client.NextTextAsync("assistant");
        await client.InitializeAsync();
        Assert.Equal("Multiple init messages received", (await client.NextAsync("error"))["data"]!["message"]!.GetValue<string>());
        await client.SayAsync("what are your opening hours");
        await client.NextTextAsync("user");
        Assert.StartsWith("We're open", await client.NextTextAsync("assistant"));
    }

    [Fact]
    public async Task No_initialize_within_the_timeout()
    {
        await using var client = await fixture.ConnectAsync(await fixture.TokenAsync());
        await client.ExpectErrorAndCloseAsync("Init message not received", 1008);
    }

    [Theory]
    [InlineData("webCall")]
    [InlineData("onPhone")]
    public async Task Call_types_the_integration_does_not_allow_are_refused(string callType)
    {
        await using var client = await fixture.ConnectAsync(await fixture.TokenAsync());
        await client.InitializeAsync(callType);
        await client.ExpectErrorAndCloseAsync($"Call type '{callType}' is not enabled for this integration", 1008);
    }

    [Fact]
    public async Task Chat_is_refused_when_the_integration_does_not_allow_it()
    {
        await using var client = await fixture.ConnectAsync(await fixture.TokenAsync(features: [IntegrationFeatures.AllowWebCall]));
        await client.InitializeAsync("chat");
        await client.ExpectErrorAndCloseAsync("Call type 'chat' is not enabled for this integration", 1008);
    }

    [Fact]
    public async Task A_phone_call_without_an_endpoint_or_a_trunk_fails_to_open_with_the_reason()
    {
        await using var client = await fixture.ConnectAsync(await fixture.TokenAsync(features: [IntegrationFeatures.AllowPhoneCall]));
        await client.InitializeAsync("onPhone");
        await client.ExpectAsync("event", "connection");
        var failed = await client.ExpectAsync("event", "failedOpen");
        Assert.Contains("endpoint", (string?)failed["data"]!["reason"]);
    }

    [Fact]
    public async Task Too_large_message()
    {
        await using var client = await fixture.ConnectAsync(await fixture.TokenAsync());
        await client.SendTextAsync("{\"type\":\"incomingChatMessage\",\"content\":\"" + new string('a', 70 * 1024) + "\"}");
        await client.ExpectErrorAndCloseAsync("Too large message", 1009);
    }

    [Fact]
    public async Task Binary_frame()
    {
        await using var client = await fixture.ConnectAsync(await fixture.TokenAsync());
        await client.SendBinaryAsync([1, 2, 3]);
        await client.ExpectErrorAndCloseAsync("Binary frames are not supported", 1003);
    }

    [Theory]
    [InlineData("not json at all", "Message is not valid JSON")]
    [InlineData("[1,2,3]", "Message must be a JSON object")]
    [InlineData("{\"content\":\"no type\"}", "Message has no 'type'")]
    [InlineData("{\"type\":\"incomingChatMessage\",\"content\":{\"text\":\"hi\"}}", "incomingChatMessage needs 'content' to be a non-empty string")]
    [InlineData("{\"type\":\"initialize\",\"request\":{\"callType\":\"fax\"}}", "Unknown callType 'fax': expected chat, webCall or onPhone")]
    public async Task Invalid_payloads_close_with_1007(string frame, string error)
    {
        await using var client = await fixture.ConnectAsync(await fixture.TokenAsync());
        await client.SendTextAsync(frame);
        await client.ExpectErrorAndCloseAsync(error, 1007);
    }

    [Fact]
    public async Task Unknown_type_gets_an_error_and_the_socket_stays_open()
    {
        await using var client = await fixture.ConnectAsync(await fixture.TokenAsync());
        await client.InitializeAsync();
        await client.ExpectAsync("text"); // the greeting
        await client.SendAsync(new JsonObject { ["type"] = "dance" });
        Assert.Equal("Unknown message type 'dance'", (await client.NextAsync("error"))["data"]!["message"]!.GetValue<string>());
        await client.SayAsync("opening hours please");
        Assert.Equal("opening hours please", await client.NextTextAsync("user"));
    }

    [Fact]
    public async Task Payload_aliases_under_data_are_accepted()
    {
        await using var client = await fixture.ConnectAsync(await fixture.TokenAsync());
        await client.SendAsync(new JsonObject { ["type"] = "initialize", ["data"] = new JsonObject { ["callType"] = "chat" } });
        await client.NextAsync("event", "connection");
        await client.NextAsync("event", "opened");
        await client.NextTextAsync("assistant");
        await client.SendAsync(new JsonObject { ["type"] = "incomingChatMessage", ["data"] = "hours?" });
        Assert.Equal("hours?", await client.NextTextAsync("user"));
    }

    [Fact]
    public async Task An_answer_for_a_tool_call_never_issued_is_an_error_and_the_socket_stays_open()
    {
        await using var client = await fixture.ConnectAsync(await fixture.TokenAsync());
        await client.InitializeAsync();
        await client.ExpectAsync("text");
        await client.AnswerToolAsync("nope-1", JsonValue.Create(1));
        var error = await client.NextAsync("error");
        Assert.Equal("Unknown tool call id 'nope-1'", error["data"]!["message"]!.GetValue<string>());
        await client.SayAsync("hours");
        Assert.Equal("hours", await client.NextTextAsync("user"));
    }

    [Fact]
    public async Task An_sdp_answer_in_a_chat_is_an_error()
    {
        await using var client = await fixture.ConnectAsync(await fixture.TokenAsync());
        await client.InitializeAsync();
        await client.ExpectAsync("text");
        await client.SendAsync(new JsonObject { ["type"] = "sdpAnswer", ["data"] = new JsonObject { ["sdpAnswer"] = "v=0" } });
        Assert.Equal("No SDP offer was sent on this connection", (await client.NextAsync("error"))["data"]!["message"]!.GetValue<string>());
    }
}
