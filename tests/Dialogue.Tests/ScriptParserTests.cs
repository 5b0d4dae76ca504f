using System.Text.Json.Nodes;
using Orchestrator.Dialogue.Scripted;

namespace Orchestrator.Dialogue.Tests;

public class ScriptParserTests
{
    private static IReadOnlyList<string> Errors(string json, IEnumerable<string>? tools = null) =>
        ScriptParser.Validate(JsonNode.Parse(json), tools).Select(e => e.ToString()).ToList();

    private static void HasError(string json, string expected, IEnumerable<string>? tools = null)
    {
        var errors = Errors(json, tools);
        Assert.True(errors.Any(e => e.StartsWith(expected, StringComparison.Ordinal)),
            $"expected an error starting with\n  {expected}\nbut got\n  {string.Join("\n  ", errors)}");
    }

    private const string Hours = """{"name":"hours","match":{"keywords":["hours"]},"reply":"9 to 5"}""";

    [Fact]
    public void TheExampleIsValid()
    {
        var result = ScriptParser.Parse(Scripts.Restaurant(), ["book_table"]);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var script = result.Script!;
        Assert.Equal(["book", "hours", "goodbye"], script.Intents.Select(i => i.Name));
        var book = script.Intents[0];
        Assert.Equal(SlotType.Integer, book.Slots[0].Type);
        Assert.Equal(12, book.Slots[0].Max);
        Assert.Equal("book_table", book.Tool!.Name);
        Assert.True(script.Intents[2].End);
        Assert.Equal(3, script.MaxFallbacks);
        Assert.Equal(2, script.Fallback.Length);
    }

    [Fact]
    public void ReportsAnUnknownSlotTypeWithItsPath()
    {
        var paint = """{"name":"paint","match":{"keywords":["paint"]},"reply":"ok","slots":[{"name":"c","type":"colour","prompt":"Which colour?"}]}""";
        var json = "{\"intents\":[" + Hours + "," + Hours.Replace("\"hours\"", "\"h2\"") + "," + paint + "]}";
        var errors = Errors(json);
        Assert.Single(errors);
        Assert.StartsWith("script.intents[2].slots[0].type: unknown slot type 'colour'", errors[0]);
    }

    [Theory]
    [InlineData("""[]""", "script: must be an object")]
    [InlineData("""{"greting":"hi"}""", "script.greting: unknown field")]
    [InlineData("""{"greeting":5}""", "script.greeting: must be a string")]
    [InlineData("""{"intents":{}}""", "script.intents: must be an array")]
    [InlineData("""{"intents":[{"match":{"keywords":["x"]},"reply":"r"}]}""", "script.intents[0].name: required")]
    [InlineData("""{"intents":[{"name":"a","reply":"r"}]}""", "script.intents[0].match: required")]
    [InlineData("""{"intents":[{"name":"a","match":{},"reply":"r"}]}""", "script.intents[0].match: give at least one keyword or pattern")]
    [InlineData("""{"intents":[{"name":"a","match":{"keywords":["?!"]},"reply":"r"}]}""", "script.intents[0].match.keywords[0]: a keyword needs")]
    [InlineData("""{"intents":[{"name":"a","match":{"keywords":"x"},"reply":"r"}]}""", "script.intents[0].match.keywords: must be an array of strings")]
    [InlineData("""{"intents":[{"name":"a","match":{"patterns":["(unclosed"]},"reply":"r"}]}""", "script.intents[0].match.patterns[0]: invalid regular expression")]
    [InlineData("""{"intents":[{"name":"a","match":{"patterns":["for (?<size>\\d+)"]},"reply":"r"}]}""", "script.intents[0].match.patterns[0]: named group 'size' names no slot")]
    [InlineData("""{"intents":[{"name":"a","match":{"keywords":["x"]}}]}""", "script.intents[0]: an intent needs a reply, a tool or end")]
    [InlineData("""{"intents":[{"name":"a","match":{"keywords":["x"]},"reply":"r"},{"name":"A","match":{"keywords":["y"]},"reply":"r"}]}""", "script.intents[1].name: duplicate intent name 'A'")]
    [InlineData("""{"intents":[{"name":"a","match":{"keywords":["x"]},"reply":"r","slots":[{"name":"n","type":"number"}]}]}""", "script.intents[0].slots[0].prompt: required for a required slot")]
    [InlineData("""{"intents":[{"name":"a","match":{"keywords":["x"]},"reply":"r","slots":[{"name":"1n","type":"number","prompt":"p"}]}]}""", "script.intents[0].slots[0].name: '1n' is not a valid slot name")]
    [InlineData("""{"intents":[{"name":"a","match":{"keywords":["x"]},"reply":"r","slots":[{"name":"n","type":"choice","prompt":"p"}]}]}""", "script.intents[0].slots[0].choices: required for a choice slot")]
    [InlineData("""{"intents":[{"name":"a","match":{"keywords":["x"]},"reply":"r","slots":[{"name":"n","type":"text","prompt":"p","choices":["a"]}]}]}""", "script.intents[0].slots[0].choices: only choice slots")]
    [InlineData("""{"intents":[{"name":"a","match":{"keywords":["x"]},"reply":"r","slots":[{"name":"n","type":"date","prompt":"p","min":1}]}]}""", "script.intents[0].slots[0].min: only number and integer slots have bounds")]
    [InlineData("""{"intents":[{"name":"a","match":{"keywords":["x"]},"reply":"r","slots":[{"name":"n","type":"number","prompt":"p","min":5,"max":1}]}]}""", "script.intents[0].slots[0].min: min (5) is greater than max (1)")]
    [InlineData("""{"intents":[{"name":"a","match":{"keywords":["x"]},"reply":"r","slots":[{"name":"n","type":"number","prompt":"p"},{"name":"n","type":"text","prompt":"p"}]}]}""", "script.intents[0].slots[1].name: duplicate slot name 'n'")]
    [InlineData("""{"intents":[{"name":"a","match":{"keywords":["x"]},"reply":"r","slots":[{"name":"n","type":"number","prompt":"p","required":"yes"}]}]}""", "script.intents[0].slots[0].required: must be true or false")]
    [InlineData("""{"intents":[{"name":"a","match":{"keywords":["x"]},"tool":{"args":{}}}]}""", "script.intents[0].tool.name: required")]
    [InlineData("""{"intents":[{"name":"a","match":{"keywords":["x"]},"tool":{"name":"t","onresult":"{{tool.reslt}}"}}]}""", "script.intents[0].tool.onResult: 'tool.reslt'")]
    [InlineData("""{"greeting":"Hi {{firstName}}"}""", "script.greeting: unknown template variable 'firstName'")]
    [InlineData("""{"greeting":"Hi {{slots.size}}"}""", "script.greeting: 'slots.size': no intent has a slot named 'size'")]
    [InlineData("""{"greeting":"Hi {{input.x}}"}""", "script.greeting: 'input.x'")]
    [InlineData("""{"greeting":"Hi {{additionalData.name"}""", "script.greeting: unclosed")]
    [InlineData("""{"fallback":[1]}""", "script.fallback[0]: must be a string")]
    [InlineData("""{"fallback":{}}""", "script.fallback: must be a string or an array of strings")]
    [InlineData("""{"maxFallbacks":-1}""", "script.maxFallbacks: must be at least 0")]
    [InlineData("""{"maxFallbacks":1.5}""", "script.maxFallbacks: must be a whole number")]
    [InlineData("""{"fallbackEnd":"bye"}""", "script.fallbackEnd: only used with maxFallbacks")]
    [InlineData("""{"timeZone":"Mars/Olympus"}""", "script.timeZone: unknown time zone 'Mars/Olympus'")]
    [InlineData("""{"Greeting":"a","greeting":"b"}""", "script.greeting: duplicate property")]
    public void ReportsFieldErrors(string json, string expected) => HasError(json, expected);

    [Fact]
    public void ChecksToolNamesWhenTheAgentsToolsAreKnown()
    {
        const string json = """{"intents":[{"name":"a","match":{"keywords":["x"]},"tool":{"name":"book"}}]}""";
        HasError(json, "script.intents[0].tool.name: unknown tool 'book' (the agent's tools: book_table, cancel)", ["cancel", "book_table"]);
        Assert.Empty(Errors(json));
        Assert.Empty(Errors(json, ["book"]));
    }

    [Fact]
    public void FieldNamesAreCaseInsensitive()
    {
        const string json = """{"Greeting":"hi","INTENTS":[{"Name":"a","Match":{"Keywords":["x"]},"Reply":"r","End":true}]}""";
        Assert.Empty(Errors(json));
    }

    [Fact]
    public void CollectsEveryErrorAndUsesARootPrefix()
    {
        var errors = ScriptParser.Validate(JsonNode.Parse("""{"greeting":1,"silence":2,"wait":3}"""), rootPath: "config.script");
        Assert.Equal(["config.script.greeting", "config.script.silence", "config.script.wait"], errors.Select(e => e.Path).Order());
    }

    [Fact]
    public void NullScriptIsAnError()
    {
        var result = ScriptParser.Parse(null);
        Assert.False(result.IsValid);
        Assert.Equal("script", result.Errors.Single().Path);
    }

    [Fact]
    public void LiteralToolArgumentsKeepTheirJson()
    {
        var script = Scripts.Parse("""{"intents":[{"name":"a","match":{"keywords":["x"]},"tool":{"name":"t","args":{"n":5,"o":{"k":[1]},"s":"{{input}}"}}}]}""");
        var args = script.Intents[0].Tool!.Args;
        Assert.Equal("5", ((ToolArgument.Literal)args[0].Value).Json);
        Assert.Equal("{\"k\":[1]}", ((ToolArgument.Literal)args[1].Value).Json);
        Assert.IsType<ToolArgument.FromTemplate>(args[2].Value);
    }
}
