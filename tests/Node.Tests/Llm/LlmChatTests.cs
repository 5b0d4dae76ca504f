using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Dialogue.Tests.Llm;
using Orchestrator.Messages.Integrations;
using Orchestrator.Node.Tests.Infrastructure;
using Orchestrator.Node.Tests.Webhooks;
using Orchestrator.Storage.Integrations;

namespace Orchestrator.Node.Tests.Llm;

/// <summary>One node and one model server for the tests of <see cref="LlmChatTests"/> (a node takes seconds to start).</summary>
public sealed class LlmNodeFixture : IAsyncLifetime
{
    private readonly TestDatabase _database = TestDatabase.Sqlite();
    public FakeOpenAiServer Model { get; private set; } = null!;
    public TestNode Node { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Model = await FakeOpenAiServer.StartAsync();
        Node = await TestNode.StartAsync(_database);
    }

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        await Model.DisposeAsync();
        _database.Dispose();
    }
}

/// <summary>An LLM agent in chat, end to end: REST agent → node → local model server → a real socket.</summary>
public sealed class LlmChatTests : IClassFixture<LlmNodeFixture>
{
    private readonly FakeOpenAiServer _model;
    private readonly TestNode _node;

    public LlmChatTests(LlmNodeFixture fixture)
    {
        _model = fixture.Model;
        _node = fixture.Node;
        _model.Reset(); // tests of a class run one at a time
    }

    private JsonObject AgentBody() => new()
    {
        ["name"] = "llm agent",
        ["isEnabled"] = true,
        ["config"] = new JsonObject
        {
            ["llmConfig"] = new JsonObject
            {
                ["vendor"] = "openai", ["endpoint"] = _model.Endpoint, ["model"] = "test-model", ["apiKey"] = "sk-secret",
                ["prompt"] = "You help {{additionalData.firstName}} find places.",
                ["options"] = new JsonObject { ["temperature"] = 0.3 },
                ["fallbacks"] = new JsonArray(new JsonObject { ["endpoint"] = _model.Endpoint, ["model"] = "backup", ["apiKey"] = "sk-backup" }),
            },
            ["tools"] = new JsonArray(new JsonObject
            {
                ["name"] = "get_location", ["description"] = "Where the user is",
                ["schema"] = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["precise"] = new JsonObject { ["type"] = "boolean" } } },
                ["fallBackResult"] = new JsonObject { ["city"] = "unknown" },
            }),
            ["features"] = new JsonObject
            {
                ["talkFirst"] = new JsonObject { ["isEnabled"] = false },
                ["silenceManagement"] = new JsonObject { ["isEnabled"] = false },
            },
        },
    };

    private static async Task<string> CreateAgentAndTokenAsync(TestNode node, JsonObject body)
    {
        using var http = node.CreateClient();
        var response = await http.PostAsJsonAsync("/api/v1/agents", body);
        var created = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True(response.IsSuccessStatusCode, created.ToJsonString());
        Assert.Null(created["config"]!["llmConfig"]!["apiKey"]); // write-only
        Assert.Equal("backup", created["config"]!["llmConfig"]!["fallbacks"]![0]!["model"]!.GetValue<string>());
        Assert.Null(created["config"]!["llmConfig"]!["fallbacks"]![0]!["apiKey"]);
        var integrations = node.Services.GetRequiredService<IWebIntegrationStore>();
        var integration = await integrations.CreateAsync(new WebIntegration
        {
            Name = "llm", AgentId = created["agentId"]!.GetValue<string>(),
            Features = [new(IntegrationFeatures.AllowWebChat, true), new(IntegrationFeatures.SendCallResult, true),
                new(IntegrationFeatures.SendToolCallLogs, true)],
            Tools = ["get_location"],
        });
        return (await integrations.CreateTokenAsync(integration.Id, "t", null))!.Token;
    }

    /// <summary>Assistant texts up to and including the final one: the potential fragments, then the final text.</summary>
    private static async Task<List<(string Text, bool Potential)>> AssistantReplyAsync(ProtocolClient client)
    {
        var texts = new List<(string, bool)>();
        while (true)
        {
            var content = (await client.ExpectAsync("text"))["content"]!;
            if (content["source"]!.GetValue<string>() != "assistant") continue;
            var potential = content["type"]?.GetValue<string>() == "potential";
            texts.Add((content["text"]!.GetValue<string>(), potential));
            if (!potential) return texts;
        }
    }

    [Fact]
    public async Task A_reply_streams_to_the_socket_a_client_tool_round_trips_and_endConversation_ends_it()
    {
        var node = _node;
        var token = await CreateAgentAndTokenAsync(node, AgentBody());
        _model.ReplyText("Hello Ada, ", "where to?")
              .Reply(new FakeReply { Chunks = ["One moment."], ToolCalls = [("call_loc", "get_location", """{"precise":true}""")] })
              .Reply(new FakeReply { Chunks = ["You are in ", "Rome. Bye!"], ToolCalls = [("call_end", "endConversation", "{}")] });

        await using var client = await ProtocolClient.ConnectAsync(node.WebSocketUri("token=" + token));
        await client.InitializeAsync(additionalData: new JsonObject { ["firstName"] = "Ada" });
        await client.NextAsync("event", "connection");
        await client.NextAsync("event", "opened");
        await client.SayAsync("hi");
        Assert.Equal("hi", await client.NextTextAsync("user"));
        Assert.Equal([("Hello Ada, ", true), ("Hello Ada, where to?", true), ("Hello Ada, where to?", false)], await AssistantReplyAsync(client));

        await client.SayAsync("where am I?");
        Assert.Equal([("One moment.", true), ("One moment.", false)], await AssistantReplyAsync(client));
        var call = (await client.ExpectAsync("toolCall"))["content"]!;
        Assert.Equal("get_location", call["toolName"]!.GetValue<string>());
        Assert.True(call["args"]!["precise"]!.GetValue<bool>());
        await client.AnswerToolAsync(call["id"]!.GetValue<string>(), new JsonObject { ["city"] = "Rome" });
        Assert.Equal("ok", (await client.ExpectAsync("toolCallResult"))["content"]!["status"]!.GetValue<string>());
        Assert.Equal(("You are in Rome. Bye!", false), (await AssistantReplyAsync(client))[^1]);
        var result = (await client.ExpectAsync("conversationResult"))["result"]!;
        Assert.Equal("agent_ended", result["finishReason"]!.GetValue<string>());
        Assert.Equal("You are in Rome. Bye!", result["transcription"]!.AsArray()[^1]!["text"]!.GetValue<string>());
        var first = await _model.WaitForRequestAsync(1);
        Assert.Equal("You help Ada find places.", first["messages"]![0]!["content"]!.ToString());
        Assert.Equal(["get_location", "endConversation"], first["tools"]!.AsArray().Select(t => t!["function"]!["name"]!.GetValue<string>()));
        var third = (await _model.WaitForRequestAsync(3))["messages"]!.AsArray();
        var tool = third.Single(m => m!["role"]!.GetValue<string>() == "tool")!;
        Assert.Equal("call_loc", tool["tool_call_id"]!.GetValue<string>());
        Assert.Contains("Rome", tool["content"]!.ToString());
    }

    [Fact]
    public async Task A_server_tool_posts_a_signed_payload_is_retried_after_a_failure_and_its_answer_goes_to_the_model()
    {
        await using var hook = await WebhookReceiver.StartAsync(secret: "tool-secret");
        hook.Answer = (_, attempt) => attempt == 1 ? (500, null) : (200, """{"booked":true,"table":7}""");
        var body = AgentBody();
        body["config"]!["tools"]!.AsArray().Add(new JsonObject
        {
            ["name"] = "book_table", ["description"] = "Books a table",
            ["schema"] = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["size"] = new JsonObject { ["type"] = "integer" } } },
            ["webhook"] = new JsonObject { ["url"] = hook.Url("tools/book"), ["secret"] = "tool-secret" },
            ["timeoutSeconds"] = 10, ["retryCount"] = 2,
        });
        var node = _node;
        var token = await CreateAgentAndTokenAsync(node, body);
        _model.Reply(FakeReply.Tools(("call_book", "book_table", """{"size":4}"""))).ReplyText("Table 7 is yours.");

        await using var client = await ProtocolClient.ConnectAsync(node.WebSocketUri("token=" + token));
        await client.InitializeAsync(additionalData: new JsonObject { ["firstName"] = "Ada" });
        await client.SayAsync("a table for four");
        var logged = (await client.ExpectAsync("toolCallResult"))["content"]!;
        Assert.Equal(("book_table", "ok", 7), (logged["toolName"]!.GetValue<string>(), logged["status"]!.GetValue<string>(),
            logged["result"]!["table"]!.GetValue<int>()));
        Assert.Equal("Table 7 is yours.", (await AssistantReplyAsync(client))[^1].Text);

        Assert.Equal([500, 200], hook.Received.Select(r => r.AnsweredWith));
        Assert.All(hook.Received, r => Assert.True(r.SignatureValid));
        var payload = JsonNode.Parse(hook.Received.Last().Body)!;
        Assert.Equal(("ToolWebHookPayload", "book_table", 4, "Ada"), (payload["type"]!.GetValue<string>(), payload["toolName"]!.GetValue<string>(),
            payload["arguments"]!["size"]!.GetValue<int>(), payload["callAdditionalData"]!["firstName"]!.GetValue<string>()));
        var tool = (await _model.WaitForRequestAsync(2))["messages"]!.AsArray().Single(m => m!["role"]!.GetValue<string>() == "tool")!;
        Assert.Equal(7, JsonNode.Parse(tool["content"]!.ToString())!["table"]!.GetValue<int>());
    }

    [Fact]
    public async Task After_the_end_the_model_fills_the_analysis_form_before_the_result_is_stored()
    {
        var body = AgentBody();
        body["config"]!["features"]!["postCallAnalysis"] = JsonNode.Parse("""
            [{"name": "outcome", "isEnabled": true, "labels": [
              {"name": "booked", "description": "Did the caller book a table?", "type": "boolean"},
              {"name": "partySize", "description": "How many people", "type": "integer"},
              {"name": "sentiment", "type": "enum", "choices": ["positive", "neutral", "negative"]}]}]
            """);
        var node = _node;
        var token = await CreateAgentAndTokenAsync(node, body);
        _model.Reply(new FakeReply { Chunks = ["Booked for four. Bye!"], ToolCalls = [("c_end", "endConversation", "{}")] })
              .ReplyText("""{"outcome":{"booked":true,"partySize":4,"sentiment":"positive"}}""");

        await using var client = await ProtocolClient.ConnectAsync(node.WebSocketUri("token=" + token));
        await client.InitializeAsync(additionalData: new JsonObject { ["firstName"] = "Ada" });
        var id = (await client.NextAsync("event", "connection"))["data"]!["conversationId"]!.GetValue<string>();
        await client.SayAsync("a table for four");
        var frame = await client.ExpectAsync("conversationResult", wait: TimeSpan.FromSeconds(20));

        var stored = await node.WaitForResultAsync(id);
        var analysis = stored["result"]!["postCallAnalysis"]!;
        // The client's result is the stored one: it waited for the form.
        Assert.True(JsonNode.DeepEquals(analysis, frame["result"]!["postCallAnalysis"]), frame.ToJsonString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"outcome":{"booked":true,"partySize":4,"sentiment":"positive"}}"""), analysis),
            stored.ToJsonString());
        var request = await _model.WaitForRequestAsync(2);
        Assert.Equal("json_schema", request["response_format"]!["type"]!.GetValue<string>());
        Assert.Contains("a table for four", request["messages"]!.ToJsonString());
    }

    [Fact]
    public async Task The_stored_result_keeps_each_answers_time_to_first_token_and_first_sentence()
    {
        var node = _node;
        var token = await CreateAgentAndTokenAsync(node, AgentBody());
        var delay = TimeSpan.FromMilliseconds(400);
        _model.Reply(new FakeReply { Chunks = ["We open ", "at noon, every day. ", "See you!"], Delay = delay });

        await using var client = await ProtocolClient.ConnectAsync(node.WebSocketUri("token=" + token));
        await client.InitializeAsync(additionalData: new JsonObject { ["firstName"] = "Ada" });
        var id = (await client.NextAsync("event", "connection"))["data"]!["conversationId"]!.GetValue<string>();
        await client.SayAsync("when do you open?");
        Assert.Equal(("We open at noon, every day. See you!", false), (await AssistantReplyAsync(client))[^1]);
        await client.TerminateAsync();
        var sent = (await client.ExpectAsync("conversationResult"))["result"]!;

        var stored = await node.WaitForResultAsync(id);
        var lines = stored["transcription"]!.AsArray();
        Assert.Equal(["user", "assistant"], lines.Select(l => l!["speaker"]!.GetValue<string>()));
        Assert.Null(lines[0]!["latency"]); // a user line answers nothing
        var latency = lines[1]!["latency"]!.AsObject();
        var firstToken = latency["firstTokenMs"]!.GetValue<long>();
        Assert.InRange(firstToken, (long)delay.TotalMilliseconds, 10_000);
        Assert.InRange(latency["firstSentenceMs"]!.GetValue<long>(), firstToken, 10_000);
        Assert.False(latency.ContainsKey("firstAudioMs"), latency.ToJsonString()); // a chat plays no audio
        Assert.True(JsonNode.DeepEquals(latency, sent["transcription"]![1]!["latency"]), sent.ToJsonString()); // the socket's result is the same
    }

    [Fact]
    public async Task A_scripted_agent_fills_the_form_from_its_slots_offline()
    {
        var demo = ChatNodeFixture.DemoAgent();
        var agent = demo with
        {
            Config = demo.Config with
            {
                Features = demo.Config.Features with
                {
                    PostCallAnalysis = [new() { Name = "outcome", Labels = [new("partySize", "How many people", "integer"), new("booked", null, "boolean")] }],
                },
            },
        };
        var node = _node;
        var created = await node.Services.GetRequiredService<Orchestrator.Storage.Agents.IAgentStore>().CreateAsync(agent);
        await using var client = await ProtocolClient.ConnectAsync(
            node.WebSocketUri($"authorization={TestNode.ApiKey}&agentId={created.AgentId}"));
        await client.InitializeAsync();
        var id = (await client.NextAsync("event", "connection"))["data"]!["conversationId"]!.GetValue<string>();
        await client.SayAsync("I'd like to book a table for 4 people");
        await client.SayAsync("bye");
        await client.ExpectAsync("conversationResult");

        var analysis = (await node.WaitForResultAsync(id))["result"]!["postCallAnalysis"]!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"outcome":{"partySize":4,"booked":null}}"""), analysis), analysis.ToJsonString());
        Assert.Empty(_model.Requests);
    }

    [Fact]
    public async Task A_conversation_recovered_after_a_node_restart_sends_the_model_its_history()
    {
        using var database = TestDatabase.Sqlite();
        var settings = new Dictionary<string, string?> { ["Orchestrator:Conversations:ResumeGracePeriod"] = "00:00:30" };
        string token, id;
        _model.ReplyText("Hi Ada.").ReplyText("Noted, four of you.");
        await using (var node = await TestNode.StartAsync(database, settings))
        {
            token = await CreateAgentAndTokenAsync(node, AgentBody());
            await using var client = await ProtocolClient.ConnectAsync(node.WebSocketUri("token=" + token));
            await client.InitializeAsync(additionalData: new JsonObject { ["firstName"] = "Ada" });
            id = (await client.NextAsync("event", "connection"))["data"]!["conversationId"]!.GetValue<string>();
            await client.SayAsync("hello");
            Assert.Equal("Hi Ada.", (await AssistantReplyAsync(client))[^1].Text);
        }

        await using (var node = await TestNode.StartAsync(database, settings))
        {
            await using var client = await ProtocolClient.ConnectAsync(node.WebSocketUri("token=" + token));
            await client.ResumeAsync(id);
            await client.NextAsync("event", "connection");
            await client.SayAsync("we are four");
            // The resume replays the transcript first: read past it to the echo of the new turn.
            while (await client.ExpectAsync("text") is var frame && frame["content"]!["text"]!.GetValue<string>() != "we are four") { }
            Assert.Equal("Noted, four of you.", (await AssistantReplyAsync(client))[^1].Text);
        }

        var messages = (await _model.WaitForRequestAsync(2))["messages"]!.AsArray();
        Assert.Equal(["system:You help Ada find places.", "user:hello", "assistant:Hi Ada.", "user:we are four"],
            messages.Select(m => m!["role"]!.GetValue<string>() + ":" + m["content"]));
    }
}
