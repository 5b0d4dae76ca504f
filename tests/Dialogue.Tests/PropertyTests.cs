using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Orchestrator.Dialogue.Scripted;

namespace Orchestrator.Dialogue.Tests;

public class PropertyTests
{
    private static readonly string[] Vocabulary =
    [
        "book", "a table", "for", "4", "four", "twenty-one", "99", "0", "-1", "2.5", "people", "guests", "tomorrow", "friday",
        "next monday", "2026-02-30", "2026-04-01", "31 april", "feb 29", "7pm", "19:30", "7:30 pm", "13pm", "noon", "o'clock",
        "+1 555 123 4567", "12345", "a@b.io", "x@", "small", "large", "order", "pizza", "vegan", "hours", "open",
        "bye", "goodbye", "quit", "status", "Maria", "?", "!", "{{slots.x}}", "(((", "\\", "é", "🍕", "\u0000", "  ", "\n",
    ];

    private static readonly char[] Chars =
        "abcdefghijklmnopqrstuvwxyzABC0123456789 .,:;-+@/()[]{}|?!'\"\\\t\n\u00e9\u00df\u200b\ud83c\udf55".ToCharArray();

    private static readonly Gen<string> FreeText =
        Gen.ArrayOf(Gen.Elements(Chars)).Select(cs => new string(cs));

    private static readonly Gen<string> Phrase =
        Gen.ListOf(Gen.Elements(Vocabulary)).Select(ws => string.Join(" ", ws));

    private static readonly Gen<string> Utterance = Gen.Frequency((3, Phrase), (1, FreeText), (1, Gen.Constant<string>(null!)));

    private static readonly Gen<JsonNode?> ResultGen = Gen.OneOf(
        Gen.Constant<JsonNode?>(null),
        Gen.Elements("{\"confirmation\":\"C1\",\"id\":\"Z\"}", "[]", "\"{\\\"id\\\":1}\"", "42", "\"text\"", "{}")
            .Select(j => JsonNode.Parse(j)));

    private static readonly Gen<DialogueInput> InputGen = Gen.Frequency(
        (6, Utterance.Select(t => (DialogueInput)new DialogueInput.UserSaid(t))),
        (2, Gen.Zip(Gen.Zip(Gen.Choose(0, 4), Gen.Elements("ok", "timeout", "error", "OK", "weird", "")), ResultGen)
            .Select(x => (DialogueInput)new DialogueInput.ToolFinished($"call-{x.Item1.Item1}", "book_table", x.Item2, x.Item1.Item2))),
        (1, Gen.Choose(-1, 5).Select(n => (DialogueInput)new DialogueInput.Silence(n))),
        (1, Gen.Constant((DialogueInput)new DialogueInput.Started())));

    private static readonly string SmallScript = """
    {"intents":[
      {"name":"order","match":{"keywords":["order","pizza"],"patterns":["^(?<qty>\\d+) (?<size>small|large)\\b","(a+)+$"]},
       "slots":[{"name":"qty","type":"integer","min":1,"max":5,"prompt":"How many?"},
                {"name":"size","type":"choice","choices":["small","large"],"prompt":"Size?"},
                {"name":"phone","type":"phone","prompt":"Phone?"},
                {"name":"email","type":"email","required":false},
                {"name":"day","type":"date","required":false},
                {"name":"at","type":"time","required":false},
                {"name":"n","type":"number","required":false},
                {"name":"note","type":"text","prompt":"Note?"}],
       "reply":"{{slots.qty}} {{slots.size}} {{input}}",
       "tool":{"name":"book_table","args":{"q":"{{slots.qty}}","r":"{{tool.result.id}}"},"onResult":"{{tool.result.id|?}}"}},
      {"name":"vegan","match":{"keywords":["vegan"]},"reply":"yes"},
      {"name":"bye","match":{"keywords":["bye"]},"reply":"Bye","end":true}],
     "maxFallbacks":4,"silence":["a","b"]}
    """;

    private static readonly ScriptedDialogueEngine[] Engines =
    [
        new(Scripts.Parse(Scripts.Restaurant()), Scripts.Setup(null), new FixedTime(Scripts.Now)),
        new(Scripts.Parse(SmallScript), Scripts.Setup(null), new FixedTime(Scripts.Now)),
    ];

    /// <summary>Runs a conversation; every step must succeed and its state must be readable by the next.</summary>
    private static List<string> Run(ScriptedDialogueEngine engine, IEnumerable<DialogueInput> inputs)
    {
        var trace = new List<string>();
        string? state = null;
        foreach (var input in inputs)
        {
            var step = engine.Advance(state, input);
            Assert.All(step.Actions.OfType<DialogueAction.Say>(), s => Assert.False(string.IsNullOrWhiteSpace(s.Text)));
            trace.Add(Scripts.ActionsJson(step) + step.State);
            state = step.State;
        }
        return trace;
    }

    [Property(MaxTest = 300)]
    public Property ArbitraryInputNeverThrowsFromAnyReachableState() =>
        Prop.ForAll(Arb.From(Gen.Zip(Gen.Elements(0, 1), Gen.ListOf(InputGen))), x =>
        {
            var (which, inputs) = x;
            var engine = Engines[which];
            var first = Run(engine, [new DialogueInput.Started(), .. inputs]);
            // Determinism: the same inputs give the very same actions and states.
            var second = Run(engine, [new DialogueInput.Started(), .. inputs]);
            return first.SequenceEqual(second);
        });

    // ---- scripts ----------------------------------------------------------------------------

    private static readonly string[] FieldNames =
    [
        "greeting", "intents", "fallback", "maxFallbacks", "fallbackEnd", "silence", "wait", "toolError", "timeZone",
        "name", "match", "keywords", "patterns", "slots", "reply", "tool", "end", "type", "required", "prompt", "invalid",
        "min", "max", "choices", "args", "onResult", "onTimeout", "onError", "other", "Name",
    ];

    private static readonly string[] StringValues =
    [
        "", "x", "book", "number", "integer", "date", "time", "phone", "email", "text", "choice", "colour",
        "{{slots.x}}", "{{slots.qty}}", "{{additionalData.a.b[0]}}", "{{tool.result.items[1]}}", "{{tool.status}}", "{{input}}",
        "{{", "}}", "{{x|y}}", "{{slots.}}", "(?<x>\\d+)", "(?<qty>\\d+)", "(", "[a-", "(?<1>a)", "Europe/Berlin", "Mars/X", "qty", "x",
    ];

    private static Gen<JsonNode?> JsonGen(int size)
    {
        var scalar = Gen.OneOf(
            Gen.Constant<JsonNode?>(null),
            Gen.Elements(StringValues).Select(s => (JsonNode?)JsonValue.Create(s)),
            Gen.Choose(-3, 20).Select(n => (JsonNode?)JsonValue.Create(n)),
            Gen.Elements(1.5, -0.5, 1e300).Select(d => (JsonNode?)JsonValue.Create(d)),
            Gen.Elements(true, false).Select(b => (JsonNode?)JsonValue.Create(b)));
        if (size <= 0) return scalar;
        var child = Gen.Sized(_ => JsonGen(size / 3));
        var array = Gen.ListOf(child).Select(items => (JsonNode?)new JsonArray(items.Select(i => i?.DeepClone()).ToArray()));
        var obj = Gen.ListOf(Gen.Zip(Gen.Elements(FieldNames), child)).Select(pairs =>
        {
            var o = new JsonObject();
            foreach (var (k, v) in pairs) o[k] = v?.DeepClone();
            return (JsonNode?)o;
        });
        return Gen.Frequency((1, scalar), (2, array), (4, obj));
    }

    [Property(MaxTest = 500)]
    public Property ArbitraryScriptsGiveErrorsOrAModelAndNeverThrow() =>
        Prop.ForAll(Arb.From(Gen.Sized(JsonGen)), script =>
        {
            var result = ScriptParser.Parse(script, ["x", "book"]);
            if (!result.IsValid)
                return result.Errors.Count > 0 && result.Errors.All(e => e.Path.StartsWith("script", StringComparison.Ordinal) && e.Message.Length > 0);
            // A valid script must also run.
            var engine = new ScriptedDialogueEngine(result.Script!, Scripts.Setup(null), new FixedTime(Scripts.Now));
            Run(engine, [new DialogueInput.Started(), new DialogueInput.UserSaid("x 4 book"), new DialogueInput.UserSaid("7pm"),
                new DialogueInput.ToolFinished("call-1", "x", null, "ok"), new DialogueInput.Silence(1)]);
            return result.Errors.Count == 0;
        });

    private static readonly Gen<JsonNode?> Replacement = Gen.Frequency(
        (4, Gen.Elements(StringValues).Select(v => (JsonNode?)JsonValue.Create(v))),
        (1, Gen.Choose(-2, 14).Select(n => (JsonNode?)JsonValue.Create(n))),
        (1, Gen.Elements(true, false).Select(b => (JsonNode?)JsonValue.Create(b))),
        (1, Gen.Sized(n => JsonGen(Math.Min(n, 6)))));

    /// <summary>Valid scripts with a few random edits: reaches the deep checks that random JSON rarely gets to.</summary>
    private static readonly Gen<JsonNode> MutatedScript =
        Gen.Zip(Gen.Elements(0, 1), Gen.Choose(1, 3).SelectMany(n => Gen.ListOf(Gen.Zip(Gen.Choose(0, 10_000), Replacement), n)))
            .Select(x =>
            {
                var script = (x.Item1 == 0 ? Scripts.Restaurant() : JsonNode.Parse(SmallScript)!).DeepClone();
                foreach (var (pick, replacement) in x.Item2)
                {
                    var places = new List<(JsonNode Parent, object Key)>();
                    Collect(script, places);
                    if (places.Count == 0) break;
                    var (parent, key) = places[pick % places.Count];
                    switch (parent, key)
                    {
                        case (JsonObject o, string k) when pick % 4 == 0: o.Remove(k); break;
                        case (JsonObject o, string k): o[k] = replacement?.DeepClone(); break;
                        case (JsonArray a, int i) when pick % 4 == 0: a.RemoveAt(i); break;
                        case (JsonArray a, int i): a[i] = replacement?.DeepClone(); break;
                    }
                }
                return script;
            });

    private static void Collect(JsonNode? node, List<(JsonNode, object)> places)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, v) in o.ToList()) { places.Add((o, k)); Collect(v, places); }
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++) { places.Add((a, i)); Collect(a[i], places); }
                break;
        }
    }

    [Property(MaxTest = 500)]
    public Property MutatedScriptsGiveErrorsOrAWorkingModel() =>
        Prop.ForAll(Arb.From(Gen.Zip(MutatedScript, Gen.ListOf(InputGen))), x =>
        {
            var (script, inputs) = x;
            var result = ScriptParser.Parse(script, ["book_table"]);
            if (!result.IsValid)
                return result.Errors.Count > 0 && result.Errors.All(e => e.Path.StartsWith("script", StringComparison.Ordinal));
            var engine = new ScriptedDialogueEngine(result.Script!, Scripts.Setup(null), new FixedTime(Scripts.Now));
            Run(engine, [new DialogueInput.Started(), .. inputs]);
            return true;
        });

    [Fact]
    public void AScriptWithDuplicateKeysIsAnErrorNotAnException()
    {
        var node = JsonNode.Parse("""{"greeting":"a","greeting":"b"}""");
        var result = ScriptParser.Parse(node);
        Assert.False(result.IsValid);
    }

    [Fact]
    public void ACatastrophicPatternTimesOutInsteadOfHanging()
    {
        var engine = Engines[1];
        var step = engine.Advance(null, new DialogueInput.UserSaid(new string('a', 40) + "!"));
        Assert.NotEmpty(step.Actions);
    }
}
