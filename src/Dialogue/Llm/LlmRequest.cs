using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Orchestrator.Dialogue.Llm;

/// <summary>Builds what one model call sends: the history as chat messages, and the options with the tools.</summary>
internal static class LlmRequest
{
    public const string EndConversationTool = "endConversation";
    public const int DefaultMaxToolSteps = 5;

    private static readonly JsonElement EmptyObjectSchema =
        JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement.Clone();

    private static readonly AIFunctionDeclaration EndConversation = AIFunctionFactory.CreateDeclaration(
        EndConversationTool,
        "Ends the conversation after what you say in this reply. Call it once the caller is done or says goodbye.",
        EmptyObjectSchema);

    public static List<ChatMessage> Messages(LlmState state)
    {
        var messages = new List<ChatMessage>(state.Messages.Count);
        foreach (var m in state.Messages)
        {
            switch (m.Role)
            {
                case "user":
                    messages.Add(new ChatMessage(ChatRole.User, m.Text ?? ""));
                    break;
                case "assistant":
                    var contents = new List<AIContent>();
                    if (!string.IsNullOrEmpty(m.Text)) contents.Add(new TextContent(m.Text));
                    foreach (var call in m.Calls ?? [])
                        contents.Add(new FunctionCallContent(call.ModelId, call.Name, Arguments(call.Args)));
                    messages.Add(new ChatMessage(ChatRole.Assistant, contents));
                    break;
                case "tool":
                    messages.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(m.CallId ?? "", m.Result ?? "null")]));
                    break;
            }
        }
        return messages;
    }

    /// <summary>llmConfig.options as ChatOptions; <paramref name="withTools"/> false once maxToolSteps is spent.</summary>
    public static ChatOptions Options(DialogueModel? model, string instructions, IReadOnlyList<DialogueTool> tools, bool withTools)
    {
        var o = model?.Options;
        var options = new ChatOptions
        {
            ModelId = model?.Model,
            Instructions = instructions,
            Temperature = Float(o, "temperature"),
            TopP = Float(o, "topP"),
            FrequencyPenalty = Float(o, "frequencyPenalty"),
            PresencePenalty = Float(o, "presencePenalty"),
            MaxOutputTokens = Int(o, "maxTokens"),
            Seed = Int(o, "seed"),
        };
        if (o?["stop"] is JsonArray stop)
            options.StopSequences = [.. stop.Select(s => s?.ToString()).OfType<string>()];
        if (withTools)
        {
            options.Tools = [.. tools.Where(t => t.Name != EndConversationTool).Select(Declaration), EndConversation];
            options.ToolMode = ChatToolMode.Auto;
            options.AllowMultipleToolCalls = true;
        }
        return options;
    }

    public static int MaxToolSteps(DialogueModel? model) => Int(model?.Options, "maxToolSteps") is int n and > 0 ? n : DefaultMaxToolSteps;

    private static AIFunctionDeclaration Declaration(DialogueTool tool) => AIFunctionFactory.CreateDeclaration(
        tool.Name, tool.Description ?? "",
        tool.Schema is { } schema ? JsonSerializer.SerializeToElement<JsonNode>(schema) : EmptyObjectSchema);

    private static Dictionary<string, object?> Arguments(JsonObject args) =>
        args.ToDictionary(p => p.Key, p => (object?)(p.Value is null ? null : JsonSerializer.SerializeToElement<JsonNode>(p.Value)));

    private static float? Float(JsonObject? o, string name) => Number(o, name) is { } d ? (float)d : null;

    private static int? Int(JsonObject? o, string name) =>
        Number(o, name) is { } d ? (int)Math.Round(d, MidpointRounding.AwayFromZero) : null;

    // Through the JSON text: a JsonValue made from an int will not hand itself out as a double.
    private static double? Number(JsonObject? o, string name) =>
        o?[name] is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            ? double.Parse(v.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture)
            : null;

    /// <summary>A model's tool arguments (JSON values in a dictionary) as the JsonObject tools receive.</summary>
    public static JsonObject ArgsObject(IDictionary<string, object?>? arguments)
    {
        var args = new JsonObject();
        foreach (var (key, value) in arguments ?? new Dictionary<string, object?>())
            args[key] = value switch
            {
                null => null,
                JsonElement e => JsonNode.Parse(e.GetRawText()),
                JsonNode n => n.DeepClone(),
                _ => JsonSerializer.SerializeToNode(value, value.GetType()),
            };
        return args;
    }
}
