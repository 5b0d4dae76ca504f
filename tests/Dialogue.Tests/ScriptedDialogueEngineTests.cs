using System.Text.Json.Nodes;
using Orchestrator.Dialogue.Scripted;

namespace Orchestrator.Dialogue.Tests;

public class ScriptedDialogueEngineTests
{
    private const string Small = """
    {
      "greeting": "Hi {{additionalData.firstName|there}}.",
      "intents": [
        {"name": "order", "match": {"keywords": ["order", "pizza"], "patterns": ["^(?<qty>\\d+) (?<size>small|large)\\b"]},
         "slots": [
           {"name": "qty", "type": "integer", "min": 1, "max": 5, "prompt": "How many?", "invalid": "Between 1 and 5, please."},
           {"name": "size", "type": "choice", "choices": ["small", "large"], "prompt": "Small or large?"},
           {"name": "phone", "type": "phone", "prompt": "Your phone number?"},
           {"name": "email", "type": "email", "required": false},
           {"name": "note", "type": "text", "required": false}
         ],
         "reply": "{{slots.qty}} {{slots.size}} coming up.",
         "tool": {"name": "place_order",
                  "args": {"qty": "{{slots.qty}}", "size": "{{slots.size}}", "phone": "{{slots.phone}}",
                           "email": "{{slots.email|none}}", "label": "order of {{slots.qty}}", "rush": true},
                  "onResult": "Order {{tool.result.id}} ({{tool.status}}).",
                  "onTimeout": "Still waiting: {{tool.result}}."}},
        {"name": "status", "match": {"keywords": ["status"]}, "tool": {"name": "order_status"}},
        {"name": "faq", "match": {"keywords": ["vegan"]}, "reply": "All bases are vegan."},
        {"name": "bye", "match": {"keywords": ["bye", "goodbye"]}, "reply": "Bye!", "end": true},
        {"name": "quit", "match": {"keywords": ["quit"]}, "end": true}
      ],
      "fallback": ["Pardon?", "Pardon again?"],
      "maxFallbacks": 2,
      "fallbackEnd": "Giving up.",
      "silence": ["Hello?", "Still there?"]
    }
    """;

    private static Conversation New(string script = Small, string? greeting = null, JsonObject? data = null) =>
        new(Scripts.Engine(script, greeting, data));

    [Fact]
    public void GreetsOnStartWithAdditionalData()
    {
        Assert.Equal(["Hi Maria."], New(data: new JsonObject { ["firstName"] = "Maria" }).Start());
        Assert.Equal(["Hi there."], New().Start());
    }

    [Fact]
    public void TalkFirstGreetingTakesPrecedence()
    {
        Assert.Equal(["Welcome, Maria!"], New(greeting: "Welcome, {{additionalData.firstName}}!", data: new JsonObject { ["firstName"] = "Maria" }).Start());
    }

    [Fact]
    public void NoGreetingSaysNothing()
    {
        var c = New("""{"intents":[]}""");
        Assert.Empty(c.Start());
        Assert.NotNull(c.State);
    }

    [Fact]
    public void SecondStartIsIgnored()
    {
        var c = New();
        c.Start();
        var state = c.State;
        Assert.Empty(c.Start());
        Assert.Equal(state, c.State);
    }

    [Theory]
    [InlineData("I'd like to ORDER something", "How many?")]
    [InlineData("pizza!", "How many?")]
    [InlineData("is it vegan?", "All bases are vegan.")]
    [InlineData("reorder", "Pardon?")]
    [InlineData("pizzas", "Pardon?")]
    public void MatchesKeywordsCaseInsensitivelyAndOnWholeWords(string text, string expected)
    {
        var c = New();
        c.Start();
        Assert.Equal([expected], c.User(text));
    }

    [Fact]
    public void PatternNamedGroupsFillSlots()
    {
        var c = New();
        c.Start();
        Assert.Equal(["Your phone number?"], c.User("3 LARGE please"));
        Assert.Equal(["3 large coming up."], c.User("555 123 4567"));
        var call = c.LastCall!;
        Assert.Equal("place_order", call.ToolName);
        Assert.Equal("""{"qty":3,"size":"large","phone":"5551234567","email":"none","label":"order of 3","rush":true}""", call.Args.ToJsonString());
    }

    [Fact]
    public void FillsSlotsOverSeveralTurnsInOrder()
    {
        var c = New();
        c.Start();
        Assert.Equal(["How many?"], c.User("order"));
        Assert.Equal(["Small or large?"], c.User("two"));
        Assert.Equal(["Your phone number?"], c.User("small"));
        Assert.Equal(["2 small coming up."], c.User("+44 20 7946 0958, mail me at a@b.io"));
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"qty":2,"size":"small","phone":"+442079460958","email":"a@b.io","label":"order of 2","rush":true}"""),
            c.LastCall!.Args), c.LastCall.Args.ToJsonString());
    }

    [Fact]
    public void ExtractsSeveralSlotsFromOneUtterance()
    {
        var c = New();
        c.Start();
        Assert.Equal(["4 large coming up."], c.User("pizza: large, 4 of them, call 0301234567"));
    }

    [Fact]
    public void AnswersAnotherQuestionThanTheOneAsked()
    {
        var c = New();
        c.Start();
        c.User("order");
        Assert.Equal(["How many?"], c.User("large"));
        Assert.Equal(["Your phone number?"], c.User("3"));
    }

    [Fact]
    public void InvalidValueSaysInvalidAndAsksAgain()
    {
        var c = New();
        c.Start();
        Assert.Equal(["Between 1 and 5, please.", "How many?"], c.User("order 9 pizzas"));
        Assert.Equal(["Between 1 and 5, please.", "How many?"], c.User("zero"));
        Assert.Equal(["Small or large?"], c.User("5"));
        Assert.Equal(["Your phone number?"], c.User("large 12345"));
        Assert.Equal([ScriptDefaults.Invalid, "Your phone number?"], c.User("12345"));
    }

    [Fact]
    public void UnreadableAnswerCountsAsAFallbackAndAsksAgain()
    {
        var c = New();
        c.Start();
        c.User("order");
        Assert.Equal(["Between 1 and 5, please.", "How many?"], c.User("hmm, dunno"));
        Assert.Equal(["Between 1 and 5, please.", "How many?"], c.User("what?"));
        Assert.Equal(["Giving up."], c.User("eh"));
        Assert.True(c.Ended);
    }

    [Fact]
    public void QuickIntentInterruptsAndTheQuestionIsAskedAgain()
    {
        var c = New();
        c.Start();
        c.User("order");
        Assert.Equal(["All bases are vegan.", "How many?"], c.User("are they vegan"));
        Assert.Equal(["Small or large?"], c.User("1"));
    }

    [Fact]
    public void EndIntentInterruptsSlotFilling()
    {
        var c = New();
        c.Start();
        c.User("order");
        Assert.Equal(["Bye!"], c.User("actually, bye"));
        Assert.True(c.Ended);
    }

    [Fact]
    public void IntentWithSlotsReplacesTheActiveOne()
    {
        var c = New();
        c.Start();
        c.User("order");
        c.User("2");
        Assert.Empty(c.User("what's my status"));
        Assert.Equal("order_status", c.LastCall!.ToolName);
        Assert.Equal("call-1", c.LastCall.CallId);
    }

    [Fact]
    public void ToolResultIsSaidAndCallIdsAreUnique()
    {
        var c = New();
        c.Start();
        c.User("2 small");
        c.User("5551234567");
        Assert.Equal("call-1", c.LastCall!.CallId);
        Assert.Equal(["Order A7 (ok)."], c.Tool("call-1", """{"id":"A7"}"""));
        Assert.False(c.Ended);
        c.User("order 1 large");
        c.User("5551234567");
        Assert.Equal("call-2", c.LastCall!.CallId);
    }

    [Fact]
    public void SlotsOfANewRunOfAnIntentStartEmpty()
    {
        var c = New();
        c.Start();
        c.User("2 small");
        c.User("5551234567");
        c.Tool("call-1", """{"id":"A7"}""");
        Assert.Equal(["How many?"], c.User("another order"));
    }

    [Fact]
    public void TimeoutUsesOnTimeoutWithTheFallbackResult()
    {
        var c = New();
        c.Start();
        c.User("2 small");
        c.User("5551234567");
        Assert.Equal(["Still waiting: queued."], c.Tool("call-1", "\"queued\"", "timeout"));
    }

    [Fact]
    public void ErrorUsesOnErrorThenToolErrorThenTheDefault()
    {
        var c = New();
        c.Start();
        c.User("2 small");
        c.User("5551234567");
        Assert.Equal([ScriptDefaults.ToolError], c.Tool("call-1", "null", "error"));

        var script = JsonNode.Parse(Small)!.AsObject();
        script["toolError"] = "Oops ({{tool.status}}).";
        var d = new Conversation(Scripts.Engine(script));
        d.User("2 small");
        d.User("5551234567");
        Assert.Equal(["Oops (error)."], d.Tool("call-1", "{}", "ERROR"));

        script["intents"]![0]!["tool"]!["onError"] = "Order failed: {{tool.result.reason|unknown}}.";
        var e = new Conversation(Scripts.Engine(script));
        e.User("2 small");
        e.User("5551234567");
        Assert.Equal(["Order failed: out of dough."], e.Tool("call-1", """{"reason":"out of dough"}""", "error"));
    }

    [Fact]
    public void WaitsWhileAToolRunsAndIgnoresForeignResults()
    {
        var c = New();
        c.Start();
        c.User("2 small");
        c.User("5551234567");
        Assert.Equal([ScriptDefaults.Wait], c.User("hello?"));
        Assert.Equal([ScriptDefaults.Wait], c.Silence(1));
        var state = c.State;
        Assert.Empty(c.Tool("call-9", "{}"));
        Assert.Equal(state, c.State);
        Assert.Equal(["Order X (ok)."], c.Tool("call-1", """{"id":"X"}"""));
        Assert.Empty(c.Tool("call-1", """{"id":"again"}"""));
    }

    [Fact]
    public void FallbacksByAttemptThenEndAfterMaxFallbacks()
    {
        var c = New();
        c.Start();
        Assert.Equal(["Pardon?"], c.User("blah"));
        Assert.Equal(["Pardon again?"], c.User("blah"));
        Assert.False(c.Ended);
        Assert.Equal(["Giving up."], c.User("blah"));
        Assert.True(c.Ended);
    }

    [Fact]
    public void UnderstandingResetsTheFallbackCount()
    {
        var c = New();
        c.Start();
        c.User("blah");
        c.User("blah");
        c.User("vegan?");
        Assert.Equal(["Pardon?"], c.User("blah"));
    }

    [Fact]
    public void WithoutMaxFallbacksTheLastFallbackRepeats()
    {
        var c = New("""{"fallback":"What?"}""");
        for (var i = 0; i < 5; i++) Assert.Equal(["What?"], c.User("x"));
        Assert.Equal([ScriptDefaults.Fallback], New("""{}""").User("x"));
    }

    [Fact]
    public void SilenceRemindersByAttemptRepeatTheQuestion()
    {
        var c = New();
        c.Start();
        Assert.Equal(["Hello?"], c.Silence(1));
        Assert.Equal(["Still there?"], c.Silence(2));
        Assert.Equal(["Still there?"], c.Silence(7));
        c.User("order");
        Assert.Equal(["Hello?", "How many?"], c.Silence(1));
        Assert.Equal([ScriptDefaults.Silence], New("{}").Silence(1));
    }

    [Fact]
    public void EndIntentEndsAndLaterInputIsIgnored()
    {
        var c = New();
        c.Start();
        Assert.Equal(["Bye!"], c.User("goodbye"));
        Assert.True(c.Ended);
        var state = c.State;
        Assert.Empty(c.User("hello?"));
        Assert.Empty(c.Silence(1));
        Assert.Empty(c.Tool("call-1", "{}"));
        Assert.Equal(state, c.State);
    }

    [Fact]
    public void EndWithoutReplyJustEnds()
    {
        var c = New();
        Assert.Empty(c.User("quit"));
        Assert.True(c.Ended);
    }

    [Fact]
    public void EndingIntentWithAToolEndsAfterTheResult()
    {
        var c = New("""{"intents":[{"name":"cancel","match":{"keywords":["cancel"]},"reply":"Cancelling.","tool":{"name":"cancel","onResult":"Done."},"end":true}]}""");
        Assert.Equal(["Cancelling."], c.User("cancel it"));
        Assert.False(c.Ended);
        Assert.Equal(["Done."], c.Tool("call-1", "{}", toolName: "cancel"));
        Assert.True(c.Ended);
    }

    [Fact]
    public void TextSlotTakesTheWholeUtterance()
    {
        var c = New("""{"intents":[{"name":"msg","match":{"keywords":["message"]},"slots":[{"name":"body","type":"text","prompt":"What should it say?"}],"reply":"Sending '{{slots.body}}'."}]}""");
        Assert.Equal(["What should it say?"], c.User("leave a message"));
        Assert.Equal(["Sending 'Running 10 minutes late, sorry'."], c.User("  Running 10 minutes   late, sorry! "));
    }

    [Fact]
    public void DatesAreRelativeToTheDayTheConversationStarted()
    {
        const string script = """{"intents":[{"name":"d","match":{"keywords":["when"]},"slots":[{"name":"day","type":"date","prompt":"Which day?"}],"reply":"{{slots.day}}"}]}""";
        var started = new Conversation(Scripts.Engine(script));
        started.Start();
        // A later step of the same conversation, run by an engine whose clock says a week later.
        var later = new Conversation(Scripts.Engine(JsonNode.Parse(script)!, now: Scripts.Now.AddDays(7)), started.State);
        Assert.Equal(["2026-03-06"], later.User("when? tomorrow"));
    }

    [Fact]
    public void TimeZoneDecidesToday()
    {
        const string script = """{"timeZone":"Pacific/Auckland","intents":[{"name":"d","match":{"keywords":["when"]},"slots":[{"name":"day","type":"date","prompt":"Which day?"}],"reply":"{{slots.day}}"}]}""";
        var c = new Conversation(Scripts.Engine(JsonNode.Parse(script)!, now: new DateTimeOffset(2026, 3, 5, 20, 0, 0, TimeSpan.Zero)));
        Assert.Equal(["2026-03-06"], c.User("when? today"));
    }

    [Fact]
    public void ReplayingTheSameInputsFromTheSameStateGivesIdenticalSteps()
    {
        DialogueInput[] inputs =
        [
            new DialogueInput.Started(), new DialogueInput.UserSaid("order"), new DialogueInput.UserSaid("vegan?"),
            new DialogueInput.UserSaid("2 large"), new DialogueInput.Silence(1), new DialogueInput.UserSaid("+1 555 000 1111"),
            new DialogueInput.UserSaid("hurry"), new DialogueInput.ToolFinished("call-1", "place_order", JsonNode.Parse("""{"id":"Z"}"""), "ok"),
            new DialogueInput.UserSaid("blah"), new DialogueInput.UserSaid("bye"),
        ];
        var engine = Scripts.Engine(Small);
        var first = new Conversation(engine);
        foreach (var input in inputs) first.Step(input);

        // A fresh engine (as after a restart), with a clock that has moved on, replaying from every saved state.
        var replayEngine = Scripts.Engine(JsonNode.Parse(Small)!, now: Scripts.Now.AddDays(3));
        for (var i = 1; i < inputs.Length; i++)
        {
            var replay = replayEngine.Advance(first.Steps[i - 1].State, inputs[i]);
            Assert.Equal(Scripts.ActionsJson(first.Steps[i]), Scripts.ActionsJson(replay));
            Assert.Equal(first.Steps[i].State, replay.State);
        }
        Assert.True(first.Ended);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("""{"v":2,"today":"2026-03-05"}""")]
    [InlineData("""{"v":1,"today":"yesterday"}""")]
    [InlineData("""{"v":1,"today":"2026-03-05","intent":"nope"}""")]
    [InlineData("""{"v":1,"today":"2026-03-05","intent":"order","pending":"nope"}""")]
    [InlineData("""{"v":1,"today":"2026-03-05","pending":"qty"}""")]
    [InlineData("""{"v":1,"today":"2026-03-05","call":{"id":"call-1","tool":"x","intent":"faq"}}""")]
    [InlineData("""{"v":1,"today":"2026-03-05","calls":-1}""")]
    [InlineData("""{"v":1,"today":"2026-03-05","slots":[]}""")]
    public void CorruptStateThrowsDialogueStateException(string state)
    {
        var engine = Scripts.Engine(Small);
        Assert.Throws<DialogueStateException>(() => engine.Advance(state, new DialogueInput.UserSaid("hi")));
    }

    [Fact]
    public void EmptyAndNullUtterancesAreMisunderstandings()
    {
        var c = New();
        Assert.Equal(["Pardon?"], c.User("   "));
        Assert.Equal(["Pardon again?"], c.User(null!));
    }

    [Fact]
    public void TypographicApostrophesMatchKeywords()
    {
        var c = new Conversation(Scripts.Engine(Scripts.Restaurant()));
        Assert.Equal(["Thank you for choosing Trattoria Roma. Goodbye!"], c.User("that\u2019s all"));
    }

    [Fact]
    public void OneEngineServesManyConversationsAtOnce()
    {
        var engine = Scripts.Engine(Small);
        string[] Talk(int i)
        {
            var c = new Conversation(engine);
            c.Start();
            c.User($"order {i % 5 + 1} large");
            c.User("555 000 " + (1000 + i));
            return [.. c.Tool("call-1", $$"""{"id":"{{i}}"}"""), c.LastCall?.CallId ?? ""];
        }
        var sequential = Enumerable.Range(0, 200).Select(Talk).ToList();
        var parallel = Enumerable.Range(0, 200).AsParallel().AsOrdered().Select(Talk).ToList();
        Assert.Equal(sequential, parallel);
        Assert.Equal(["Order 7 (ok).", ""], sequential[7]);
    }
}
