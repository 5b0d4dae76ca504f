using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Dialogue;
using Orchestrator.Dialogue.Scripted;

namespace Orchestrator.Dialogue.Tests;

internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now.ToUniversalTime();
}

/// <summary>Drives one conversation through an engine, keeping the state between steps.</summary>
internal sealed class Conversation(IDialogueEngine engine, string? state = null)
{
    public string? State { get; private set; } = state;
    public List<DialogueStep> Steps { get; } = [];
    public DialogueStep Last => Steps[^1];

    public DialogueStep Step(DialogueInput input)
    {
        var step = engine.AdvanceAsync(State, input).AsTask().GetAwaiter().GetResult();
        State = step.State;
        Steps.Add(step);
        return step;
    }

    public string[] Start() => Texts(Step(new DialogueInput.Started()));
    public string[] User(string text) => Texts(Step(new DialogueInput.UserSaid(text)));
    public string[] Silence(int attempt) => Texts(Step(new DialogueInput.Silence(attempt)));
    public string[] Tool(string callId, string result, string status = "ok", string toolName = "book_table") =>
        Texts(Step(new DialogueInput.ToolFinished(callId, toolName, JsonNode.Parse(result), status)));

    public DialogueAction.CallTool? LastCall => Last.Actions.OfType<DialogueAction.CallTool>().SingleOrDefault();
    public bool Ended => Last.Actions.Any(a => a is DialogueAction.End);

    public static string[] Texts(DialogueStep step) => step.Actions.OfType<DialogueAction.Say>().Select(s => s.Text).ToArray();
}

internal static class Scripts
{
    /// <summary>Thursday 5 March 2026, 10:00 UTC.</summary>
    public static readonly DateTimeOffset Now = new(2026, 3, 5, 10, 0, 0, TimeSpan.Zero);
    public static readonly DateOnly Today = DateOnly.FromDateTime(Now.UtcDateTime);

    public static string ExamplePath => Path.Combine(AppContext.BaseDirectory, "Examples", "restaurant.json");

    public static JsonObject Restaurant() => JsonNode.Parse(File.ReadAllText(ExamplePath))!.AsObject();

    public static ScriptDefinition Parse(JsonNode script, IEnumerable<string>? tools = null)
    {
        var result = ScriptParser.Parse(script, tools);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        return result.Script!;
    }

    public static ScriptDefinition Parse(string json) => Parse(JsonNode.Parse(json)!);

    public static ScriptedDialogueEngine Engine(JsonNode script, string? greeting = null, JsonObject? additionalData = null, DateTimeOffset? now = null) =>
        new(Parse(script), Setup(script as JsonObject, greeting, additionalData), new FixedTime(now ?? Now));

    public static ScriptedDialogueEngine Engine(string json, string? greeting = null, JsonObject? additionalData = null) =>
        Engine(JsonNode.Parse(json)!, greeting, additionalData);

    public static DialogueSetup Setup(JsonObject? script, string? greeting = null, JsonObject? additionalData = null, string vendor = "scripted") =>
        new(vendor, script, null, greeting, additionalData ?? new JsonObject(), [new DialogueTool("book_table", "Books a table", null)]);

    public static string ActionsJson(DialogueStep step) => JsonSerializer.Serialize(step.Actions.Select(a => a switch
    {
        DialogueAction.Say s => "say:" + s.Text,
        DialogueAction.CallTool c => $"call:{c.CallId}:{c.ToolName}:{c.Args.ToJsonString()}",
        DialogueAction.End => "end",
        _ => "?",
    }));
}
