using System.Text.Json.Nodes;

namespace Orchestrator.Dialogue.Tests.Llm;

/// <summary>The LLM engine through the real OpenAI adapter against a local model server.</summary>
public sealed class LlmDialogueEngineTests : IAsyncLifetime
{
    private FakeOpenAiServer _model = null!;

    public async Task InitializeAsync() => _model = await FakeOpenAiServer.StartAsync();

    public async Task DisposeAsync() => await _model.DisposeAsync();

    private IStreamingDialogueEngine Engine(string prompt = "You help {{additionalData.firstName|guests}} book tables.",
        JsonObject? options = null, string? greeting = null, JsonObject? data = null, string? fallbackModel = null)
    {
        var setup = new DialogueSetup("openai", null, prompt, greeting, data ?? new JsonObject { ["firstName"] = "Ada" },
            [new DialogueTool("book_table", "Books a table", JsonNode.Parse("""{"type":"object","properties":{"size":{"type":"integer"}},"required":["size"]}""")!.AsObject()),
             new DialogueTool("check_weather", "Today's weather", null)])
        {
            Model = new DialogueModel(_model.Endpoint, "test-model", "sk-test", options ?? new JsonObject { ["temperature"] = 0.2, ["maxTokens"] = 64 })
            {
                Fallbacks = fallbackModel is null ? [] : [new DialogueModel(_model.Endpoint, fallbackModel, null, null)],
            },
        };
        return (IStreamingDialogueEngine)new DialogueEngineFactory().Create(setup);
    }

    private static async Task<(DialogueStep Step, RecordingStream Stream)> Step(IStreamingDialogueEngine engine, string? state, DialogueInput input)
    {
        var stream = new RecordingStream();
        var step = await engine.AdvanceAsync(state, input, stream);
        return (step, stream);
    }

    [Fact]
    public async Task A_reply_streams_as_the_whole_text_so_far_and_ends_as_one_say()
    {
        _model.ReplyText("We are open ", "from noon. Dr. Smith ", "cooks tonight!");
        var (step, stream) = await Step(Engine(), null, new DialogueInput.UserSaid("When are you open?"));

        Assert.Equal(["We are open ", "We are open from noon. Dr. Smith ", "We are open from noon. Dr. Smith cooks tonight!"], stream.Partials);
        Assert.Equal(["We are open from noon.", "Dr. Smith cooks tonight!"], stream.Sentences);
        Assert.Equal("We are open from noon. Dr. Smith cooks tonight!", Assert.IsType<DialogueAction.Say>(Assert.Single(step.Actions)).Text);

        var request = await _model.WaitForRequestAsync(1);
        Assert.Equal("test-model", request["model"]!.GetValue<string>());
        Assert.True(request["stream"]!.GetValue<bool>());
        Assert.Equal(0.2, request["temperature"]!.GetValue<double>(), 3);
        var messages = request["messages"]!.AsArray();
        Assert.Equal("system", messages[0]!["role"]!.GetValue<string>());
        Assert.Equal("You help Ada book tables.", Text(messages[0]!));
        Assert.Equal("When are you open?", Text(messages[1]!));
        var tools = request["tools"]!.AsArray().Select(t => t!["function"]!["name"]!.GetValue<string>()).ToArray();
        Assert.Equal(["book_table", "check_weather", "endConversation"], tools);
        Assert.Equal("integer", request["tools"]![0]!["function"]!["parameters"]!["properties"]!["size"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_tool_call_goes_out_with_its_arguments_and_its_result_goes_back_to_the_model()
    {
        var engine = Engine();
        _model.Reply(new FakeReply { Chunks = ["Let me book that."], ToolCalls = [("call_a", "book_table", """{"size": 4}""")] })
              .ReplyText("Booked for four.");

        var (first, _) = await Step(engine, null, new DialogueInput.UserSaid("A table for 4"));
        Assert.Equal("Let me book that.", first.Actions.OfType<DialogueAction.Say>().Single().Text);
        var call = first.Actions.OfType<DialogueAction.CallTool>().Single();
        Assert.Equal("book_table", call.ToolName);
        Assert.Equal(4, call.Args["size"]!.GetValue<int>());

        var (second, _) = await Step(engine, first.State,
            new DialogueInput.ToolFinished(call.CallId, "book_table", JsonNode.Parse("""{"confirmation":"X1"}"""), "ok"));
        Assert.Equal("Booked for four.", second.Actions.OfType<DialogueAction.Say>().Single().Text);

        var messages = (await _model.WaitForRequestAsync(2))["messages"]!.AsArray();
        var assistant = messages[2]!;
        Assert.Equal("assistant", assistant["role"]!.GetValue<string>());
        Assert.Equal("call_a", assistant["tool_calls"]![0]!["id"]!.GetValue<string>());
        Assert.Equal(4, JsonNode.Parse(assistant["tool_calls"]![0]!["function"]!["arguments"]!.GetValue<string>())!["size"]!.GetValue<int>());
        var tool = messages[3]!;
        Assert.Equal("tool", tool["role"]!.GetValue<string>());
        Assert.Equal("call_a", tool["tool_call_id"]!.GetValue<string>());
        Assert.Equal("X1", JsonNode.Parse(Text(tool))!["confirmation"]!.GetValue<string>());
    }

    [Fact]
    public async Task Parallel_calls_all_go_out_and_the_model_is_asked_again_only_when_every_result_is_in()
    {
        var engine = Engine();
        _model.Reply(FakeReply.Tools(("c1", "book_table", """{"size":2}"""), ("c2", "check_weather", "{}"))).ReplyText("All done here.");

        var (first, _) = await Step(engine, null, new DialogueInput.UserSaid("Book 2 and tell me the weather"));
        var calls = first.Actions.OfType<DialogueAction.CallTool>().ToArray();
        Assert.Equal(["book_table", "check_weather"], calls.Select(c => c.ToolName));
        Assert.NotEqual(calls[0].CallId, calls[1].CallId);

        var (second, _) = await Step(engine, first.State, new DialogueInput.ToolFinished(calls[1].CallId, "check_weather", JsonValue.Create("sunny"), "ok"));
        Assert.Empty(second.Actions);
        Assert.Single(_model.Requests);
        var (third, _) = await Step(engine, second.State, new DialogueInput.ToolFinished(calls[0].CallId, "book_table", null, "timeout"));
        Assert.Equal("All done here.", third.Actions.OfType<DialogueAction.Say>().Single().Text);
        var messages = (await _model.WaitForRequestAsync(2))["messages"]!.AsArray();
        Assert.Equal(["system", "user", "assistant", "tool", "tool"], messages.Select(m => m!["role"]!.GetValue<string>()));
        Assert.Contains("timeout", Text(messages[4]!));
    }

    [Fact]
    public async Task EndConversation_ends_after_what_was_said()
    {
        _model.Reply(new FakeReply { Chunks = ["Goodbye, Ada!"], ToolCalls = [("c9", "endConversation", "{}")] });
        var (step, _) = await Step(Engine(), null, new DialogueInput.UserSaid("bye"));
        Assert.Collection(step.Actions,
            a => Assert.Equal("Goodbye, Ada!", Assert.IsType<DialogueAction.Say>(a).Text),
            a => Assert.IsType<DialogueAction.End>(a));
    }

    [Fact]
    public async Task A_new_engine_given_the_journaled_state_sends_the_whole_history()
    {
        _model.ReplyText("Hi Ada.").ReplyText("Four people, noted.");
        var (greeted, _) = await Step(Engine(greeting: "Welcome, {{additionalData.firstName}}!"), null, new DialogueInput.Started());
        Assert.Equal("Welcome, Ada!", greeted.Actions.OfType<DialogueAction.Say>().Single().Text);
        var (first, _) = await Step(Engine(), greeted.State, new DialogueInput.UserSaid("hello"));
        // A restart: a fresh engine, only the state string survives.
        await Step(Engine(), first.State, new DialogueInput.UserSaid("we are four"));

        var messages = (await _model.WaitForRequestAsync(2))["messages"]!.AsArray();
        Assert.Equal(["system:You help Ada book tables.", "assistant:Welcome, Ada!", "user:hello", "assistant:Hi Ada.", "user:we are four"],
            messages.Select(m => m!["role"]!.GetValue<string>() + ":" + Text(m)));
    }

    [Fact]
    public async Task A_reply_the_caller_talked_over_is_kept_in_the_history_only_as_far_as_it_was_heard()
    {
        var engine = Engine();
        _model.ReplyText("We have tables at six, at seven and at nine.").ReplyText("Seven it is.").ReplyText("Sure.");
        var (first, _) = await Step(engine, null, new DialogueInput.UserSaid("When can I come?"));
        var (second, _) = await Step(engine, first.State, new DialogueInput.UserSaid("seven") { LastReplyHeard = "We have tables at six, at" });
        // A line the model never wrote (the conversation's apology) leaves its history alone.
        await Step(engine, second.State, new DialogueInput.UserSaid("thanks") { LastReplyHeard = "Sorry, something went wrong." });

        var cut = (await _model.WaitForRequestAsync(2))["messages"]!.AsArray();
        Assert.Equal("We have tables at six, at", Text(cut[2]!));
        var after = (await _model.WaitForRequestAsync(3))["messages"]!.AsArray();
        Assert.Equal("Seven it is.", Text(after[4]!));
    }

    [Fact]
    public async Task After_maxToolSteps_the_model_is_asked_without_tools()
    {
        var engine = Engine(options: new JsonObject { ["maxToolSteps"] = 1 });
        _model.Reply(FakeReply.Tools(("c1", "check_weather", "{}"))).ReplyText("It is sunny.");
        var (first, _) = await Step(engine, null, new DialogueInput.UserSaid("weather?"));
        var call = first.Actions.OfType<DialogueAction.CallTool>().Single();
        await Step(engine, first.State, new DialogueInput.ToolFinished(call.CallId, "check_weather", JsonValue.Create("sunny"), "ok"));
        Assert.NotNull(_model.Requests[0]["tools"]);
        Assert.Null((await _model.WaitForRequestAsync(2))["tools"]);
    }

    [Fact]
    public async Task A_model_error_is_retried_and_the_turn_still_gets_its_reply()
    {
        _model.Reply(new FakeReply { Status = 503 }).ReplyText("Back again.");
        var (step, _) = await Step(Engine(), null, new DialogueInput.UserSaid("hello?"));
        Assert.Equal("Back again.", step.Actions.OfType<DialogueAction.Say>().Single().Text);
        Assert.Equal(2, _model.Requests.Count);
    }

    [Fact]
    public async Task A_model_that_refuses_the_request_gives_way_to_the_fallback()
    {
        _model.Reply(new FakeReply { Status = 400 }).ReplyText("From the backup.");
        var (step, _) = await Step(Engine(fallbackModel: "backup-model"), null, new DialogueInput.UserSaid("hello?"));
        Assert.Equal("From the backup.", step.Actions.OfType<DialogueAction.Say>().Single().Text);
        Assert.Equal(["test-model", "backup-model"], _model.Requests.Select(r => r["model"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_reply_the_user_talks_over_aborts_the_model_stream_and_the_next_request_holds_only_what_was_heard()
    {
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _model.Reply(new FakeReply { Chunks = ["We have a table at eight. ", "We also have one ", "at nine."], Hold = hold, HoldAfter = 2 })
              .ReplyText("Eight it is.");
        var engine = Engine();
        var stream = new InterruptibleStream();
        using var cts = new CancellationTokenSource();
        var running = engine.AdvanceAsync(null, new DialogueInput.UserSaid("Any table tonight?"), stream, cts.Token).AsTask();
        await stream.Wrote("We have a table at eight. We also have one ");
        stream.Interrupted = true;
        cts.Cancel(); // as the runner does on a barge-in

        var step = await running.WaitAsync(TimeSpan.FromSeconds(10));
        await _model.WaitForAbortAsync(1);
        Assert.Equal("We have a table at eight. We also have one", Assert.IsType<DialogueAction.Say>(Assert.Single(step.Actions)).Text);
        Assert.False(hold.Task.IsCompleted); // the rest was never sent: the HTTP stream was hung up on

        // The caller heard the first sentence and two words of the second.
        var (next, _) = await Step(engine, step.State, new DialogueInput.UserSaid("Eight please.") { LastReplyHeard = "We have a table at eight. We also" });
        Assert.Equal("Eight it is.", next.Actions.OfType<DialogueAction.Say>().Single().Text);
        var messages = (await _model.WaitForRequestAsync(2))["messages"]!.AsArray();
        Assert.Equal(["system", "user", "assistant", "user"], messages.Select(m => m!["role"]!.GetValue<string>()));
        Assert.Equal(["Any table tonight?", "We have a table at eight. We also", "Eight please."], messages.Skip(1).Select(m => Text(m!)));
    }

    [Fact]
    public async Task A_cut_that_says_what_was_heard_keeps_only_that_even_when_a_reminder_comes_before_the_next_turn()
    {
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _model.Reply(new FakeReply { Chunks = ["We have a table at eight. ", "We also have one ", "at nine."], Hold = hold, HoldAfter = 2 })
              .ReplyText("Eight it is.");
        var engine = Engine();
        var stream = new InterruptibleStream();
        using var cts = new CancellationTokenSource();
        var running = engine.AdvanceAsync(null, new DialogueInput.UserSaid("Any table tonight?"), stream, cts.Token).AsTask();
        await stream.Wrote("We have a table at eight. We also have one ");
        stream.Heard = "We have a table";
        stream.Interrupted = true;
        cts.Cancel();
        var step = await running.WaitAsync(TimeSpan.FromSeconds(10));
        await _model.WaitForAbortAsync(1);

        // Nothing was recognised of the caller's speech; the silence reminder comes first.
        var (reminder, _) = await Step(engine, step.State, new DialogueInput.Silence(1));
        await Step(engine, reminder.State, new DialogueInput.UserSaid("Eight please.") { LastReplyHeard = "Are you still there?" });
        var messages = (await _model.WaitForRequestAsync(2))["messages"]!.AsArray();
        Assert.Equal(["Any table tonight?", "We have a table", "Are you still there?", "Eight please."], messages.Skip(1).Select(m => Text(m!)));
    }

    [Fact]
    public async Task A_reply_talked_over_before_its_first_word_leaves_no_assistant_message()
    {
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _model.Reply(new FakeReply { Chunks = ["Never sent."], Hold = hold, HoldAfter = 0 }).ReplyText("Sure.");
        var engine = Engine();
        var stream = new InterruptibleStream();
        using var cts = new CancellationTokenSource();
        var running = engine.AdvanceAsync(null, new DialogueInput.UserSaid("Hello?"), stream, cts.Token).AsTask();
        await _model.WaitForRequestAsync(1);
        stream.Interrupted = true;
        cts.Cancel();
        var step = await running.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(step.Actions);

        await Step(engine, step.State, new DialogueInput.UserSaid("Are you there?") { LastReplyHeard = "" });
        var messages = (await _model.WaitForRequestAsync(2))["messages"]!.AsArray();
        Assert.Equal(["Hello?", "Are you there?"], messages.Skip(1).Select(m => Text(m!)));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("null")]
    [InlineData("""{"v":7}""")]
    public async Task An_unreadable_state_is_a_state_error_and_the_model_is_not_called(string state)
    {
        await Assert.ThrowsAsync<DialogueStateException>(async () => await Engine().AdvanceAsync(state, new DialogueInput.UserSaid("hi")));
        Assert.Empty(_model.Requests);
    }

    private static string Text(JsonNode message) => message["content"] switch
    {
        JsonValue v => v.GetValue<string>(),
        JsonArray parts => string.Concat(parts.Select(p => p!["text"]?.GetValue<string>())),
        _ => "",
    };

    /// <summary>What the runner's sink does on a barge-in: says it interrupted, then cancels the step's token.</summary>
    private sealed class InterruptibleStream : IDialogueStream
    {
        private readonly List<(string Text, TaskCompletionSource Seen)> _awaited = [];
        private readonly List<string> _partials = [];
        private volatile bool _interrupted;

        public bool Interrupted { get => _interrupted; set => _interrupted = value; }
        public string? Heard { get; set; }

        /// <summary>Completes once the reply so far has been <paramref name="textSoFar"/> (before or after the call).</summary>
        public Task Wrote(string textSoFar)
        {
            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_partials)
            {
                if (_partials.Contains(textSoFar)) seen.SetResult();
                else _awaited.Add((textSoFar, seen));
            }
            return seen.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }

        public void Partial(string textSoFar)
        {
            lock (_partials)
            {
                _partials.Add(textSoFar);
                foreach (var (text, seen) in _awaited)
                    if (text == textSoFar) seen.TrySetResult();
            }
        }

        public void Sentence(int index, string sentence) { }
    }

    private sealed class RecordingStream : IDialogueStream
    {
        public List<string> Partials { get; } = [];
        public List<string> Sentences { get; } = [];
        public void Partial(string textSoFar) => Partials.Add(textSoFar);
        public void Sentence(int index, string sentence)
        {
            Assert.Equal(Sentences.Count, index);
            Sentences.Add(sentence);
        }
    }
}
