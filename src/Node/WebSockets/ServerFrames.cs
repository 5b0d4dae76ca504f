using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Messages;
using Orchestrator.Messages.Results;

namespace Orchestrator.Node.WebSockets;

/// <summary>Writes server frames of protocol.md: <c>{type, timestamp, channelId: null, …payload}</c>.</summary>
public static class ServerFrames
{
    public static byte[] Event(string name, JsonObject data) =>
        Frame("event", new JsonObject { ["name"] = name, ["data"] = data });

    public static byte[] Connection(string conversationId) => Event("connection", new JsonObject
    {
        ["conversationId"] = conversationId, ["recordId"] = conversationId, ["jobId"] = conversationId,
    });

    public static byte[] Opened(string conversationId) =>
        Event("opened", new JsonObject { ["conversationId"] = conversationId });

    public static byte[] FailedOpen(string? conversationId, string reason) =>
        Event("failedOpen", new JsonObject { ["conversationId"] = conversationId, ["reason"] = reason });

    public static byte[] Closed(ConversationResult result) => Event("closed", new JsonObject
    {
        ["conversationId"] = result.ConversationId,
        ["finishReason"] = result.FinishReason,
        ["durationSeconds"] = result.DurationSeconds,
    });

    /// <summary>The server's offer under both names clients know.</summary>
    public static byte[] SdpInvite(string sdp) =>
        Frame("sdpInvite", new JsonObject { ["data"] = new JsonObject { ["invite"] = sdp, ["sdpOffer"] = sdp } });

    public static byte[] Text(string source, string text, bool partial)
    {
        var content = new JsonObject { ["source"] = source, ["text"] = text };
        if (partial) content["type"] = "potential";
        return Frame("text", new JsonObject { ["content"] = content });
    }

    /// <summary>The same request under both names clients know: <c>toolCall</c> then <c>websocketToolRequest</c>.</summary>
    public static IEnumerable<byte[]> ToolRequest(string id, string toolName, JsonObject args)
    {
        foreach (var type in new[] { "toolCall", "websocketToolRequest" })
            yield return Frame(type, new JsonObject
            {
                ["content"] = new JsonObject { ["id"] = id, ["toolName"] = toolName, ["args"] = args.DeepClone() },
            });
    }

    public static byte[] ToolCallResult(string id, string toolName, JsonNode? result, string status) =>
        Frame("toolCallResult", new JsonObject
        {
            ["content"] = new JsonObject
            {
                ["id"] = id, ["toolName"] = toolName, ["result"] = result?.DeepClone(), ["status"] = status,
            },
        });

    /// <summary>The result under <c>result</c>, mirrored under <c>data</c>.</summary>
    public static byte[] ConversationResult(ConversationResult result)
    {
        var node = JsonSerializer.SerializeToNode(result, JsonDefaults.Options)!;
        return Frame("conversationResult", new JsonObject { ["result"] = node, ["data"] = node.DeepClone() });
    }

    public static byte[] Error(string message, string? code = null)
    {
        var data = new JsonObject { ["message"] = message };
        if (code is not null) data["code"] = code;
        return Frame("error", new JsonObject { ["data"] = data });
    }

    private static byte[] Frame(string type, JsonObject payload)
    {
        var frame = new JsonObject
        {
            ["type"] = type,
            ["timestamp"] = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["channelId"] = null,
        };
        foreach (var (key, value) in payload.ToList())
        {
            payload.Remove(key);
            frame[key] = value;
        }
        return JsonSerializer.SerializeToUtf8Bytes(frame, JsonDefaults.Options);
    }
}
