using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Orchestrator.Node.Tests.Infrastructure;

/// <summary>A WebSocket client speaking the conversation protocol, for tests.</summary>
public sealed class ProtocolClient : IAsyncDisposable
{
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(10);

    /// <summary>For a fresh node's first conversations: its shards, journal and gate start on first use, slowly on a busy machine.</summary>
    public static readonly TimeSpan StartWait = TimeSpan.FromSeconds(30);
    private readonly ClientWebSocket _socket = new();

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;
    public WebSocketState State => _socket.State;

    /// <param name="invoker">Connects through this handler (a <see cref="SourceAddress"/> one, say) instead of the default.</param>
    public static async Task<ProtocolClient> ConnectAsync(Uri uri, string? origin = null, string? bearer = null, HttpMessageInvoker? invoker = null)
    {
        var client = new ProtocolClient();
        if (origin is not null) client._socket.Options.SetRequestHeader("Origin", origin);
        if (bearer is not null) client._socket.Options.SetRequestHeader("Authorization", "Bearer " + bearer);
        using var cts = new CancellationTokenSource(DefaultWait);
        await client._socket.ConnectAsync(uri, invoker, cts.Token);
        return client;
    }

    public Task SendAsync(JsonObject message) => SendTextAsync(message.ToJsonString());

    public async Task SendTextAsync(string text)
    {
        using var cts = new CancellationTokenSource(DefaultWait);
        await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, cts.Token);
    }

    public async Task SendBinaryAsync(byte[] data)
    {
        using var cts = new CancellationTokenSource(DefaultWait);
        await _socket.SendAsync(data, WebSocketMessageType.Binary, true, cts.Token);
    }

    public Task InitializeAsync(string callType = "chat", JsonObject? additionalData = null) =>
        SendAsync(new JsonObject
        {
            ["type"] = "initialize",
            ["request"] = new JsonObject { ["callType"] = callType, ["additionalData"] = additionalData ?? new JsonObject() },
        });

    /// <summary>Starts an onPhone conversation that dials <paramref name="endpoint"/>.</summary>
    public Task DialAsync(string endpoint) =>
        SendAsync(new JsonObject
        {
            ["type"] = "initialize",
            ["request"] = new JsonObject { ["callType"] = "onPhone", ["endpoint"] = endpoint },
        });

    public Task ResumeAsync(string conversationId) =>
        SendAsync(new JsonObject { ["type"] = "initialize", ["request"] = new JsonObject { ["resume"] = conversationId } });

    public Task SayAsync(string text) =>
        SendAsync(new JsonObject { ["type"] = "incomingChatMessage", ["content"] = text });

    public Task AnswerToolAsync(string id, JsonNode? result, string type = "websocketToolResponse") =>
        SendAsync(new JsonObject { ["type"] = type, ["channelId"] = null, ["content"] = new JsonObject { ["id"] = id, ["result"] = result } });

    public Task TerminateAsync() => SendAsync(new JsonObject { ["type"] = "terminate" });

    /// <summary>The next frame, or null when the server closed the socket.</summary>
    public async Task<JsonObject?> ReceiveAsync(TimeSpan? wait = null)
    {
        using var cts = new CancellationTokenSource(wait ?? DefaultWait);
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var read = await _socket.ReceiveAsync(buffer, cts.Token);
            if (read.MessageType == WebSocketMessageType.Close)
            {
                if (_socket.State == WebSocketState.CloseReceived)
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                return null;
            }
            message.Write(buffer, 0, read.Count);
            if (read.EndOfMessage) return JsonNode.Parse(message.ToArray())!.AsObject();
        }
    }

    /// <summary>Reads until a frame of <paramref name="type"/> (and event name) arrives; fails on close.</summary>
    public async Task<JsonObject> ExpectAsync(string type, string? eventName = null, TimeSpan? wait = null)
    {
        var seen = new List<string>();
        while (true)
        {
            var frame = await ReceiveAsync(wait) ?? throw new Xunit.Sdk.XunitException(
                $"Socket closed ({CloseStatus}) while waiting for {type} {eventName}; saw: {string.Join(" | ", seen)}");
            if (frame["type"]!.GetValue<string>() == type && (eventName is null || frame["name"]?.GetValue<string>() == eventName))
                return frame;
            seen.Add(frame.ToJsonString());
        }
    }

    /// <summary>The very next frame must be of <paramref name="type"/>.</summary>
    public async Task<JsonObject> NextAsync(string type, string? eventName = null)
    {
        var frame = await ReceiveAsync() ?? throw new Xunit.Sdk.XunitException($"Socket closed ({CloseStatus}); expected {type}");
        if (frame["type"]!.GetValue<string>() != type || (eventName is not null && frame["name"]?.GetValue<string>() != eventName))
            throw new Xunit.Sdk.XunitException($"Expected {type} {eventName}, got {frame.ToJsonString()}");
        return frame;
    }

    /// <summary>The next assistant or user text.</summary>
    public async Task<string> NextTextAsync(string source)
    {
        var frame = await NextAsync("text");
        Assert.Equal(source, frame["content"]!["source"]!.GetValue<string>());
        return frame["content"]!["text"]!.GetValue<string>();
    }

    /// <summary>Expects an error frame with <paramref name="message"/>, then a close with <paramref name="code"/>.</summary>
    public async Task ExpectErrorAndCloseAsync(string message, int code)
    {
        var error = await NextAsync("error");
        Assert.Equal(message, error["data"]!["message"]!.GetValue<string>());
        Assert.Null(await ReceiveAsync());
        Assert.Equal(code, (int)CloseStatus!.Value);
    }

    public void Abort() => _socket.Abort();

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException) { }
        }
        _socket.Dispose();
    }
}
