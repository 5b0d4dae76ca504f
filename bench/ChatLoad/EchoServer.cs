using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace ChatLoad;

/// <summary>
/// The ceiling: a raw Kestrel WebSocket endpoint on 127.0.0.1 that, for each text frame, reads the
/// <c>content</c> string and answers one protocol-shaped frame
/// <c>{type:"text", timestamp, channelId:null, content:{source:"assistant", text}}</c>. No actors,
/// no journal, no dialogue: only sockets, JSON in and JSON out.
/// </summary>
public sealed class EchoServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    public Uri Uri { get; }

    private EchoServer(WebApplication app, Uri uri) { _app = app; Uri = uri; }

    public static async Task<EchoServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Limits.MaxConcurrentConnections = null;
            k.Limits.MaxConcurrentUpgradedConnections = null;
        });
        var app = builder.Build();
        app.UseWebSockets();
        app.Map("/echo", async (HttpContext http) =>
        {
            if (!http.WebSockets.IsWebSocketRequest) { http.Response.StatusCode = 400; return; }
            using var socket = await http.WebSockets.AcceptWebSocketAsync();
            await EchoLoopAsync(socket);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address).Port;
        return new EchoServer(app, new Uri($"ws://127.0.0.1:{port}/echo"));
    }

    private static async Task EchoLoopAsync(WebSocket socket)
    {
        var buffer = new byte[4096];
        var output = new ArrayBufferWriter<byte>(512);
        var filled = 0;
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                if (filled == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
                var read = await socket.ReceiveAsync(buffer.AsMemory(filled), CancellationToken.None);
                if (read.MessageType == WebSocketMessageType.Close) break;
                filled += read.Count;
                if (!read.EndOfMessage) continue;
                output.ResetWrittenCount();
                WriteReply(buffer.AsSpan(0, filled), output);
                filled = 0;
                await socket.SendAsync(output.WrittenMemory, WebSocketMessageType.Text, true, CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException) { }
    }

    private static void WriteReply(ReadOnlySpan<byte> input, ArrayBufferWriter<byte> output)
    {
        var reader = new Utf8JsonReader(input);
        ReadOnlySpan<byte> text = default;
        string? escaped = null;
        if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isContent = reader.ValueTextEquals("content"u8);
                reader.Read();
                if (isContent && reader.TokenType == JsonTokenType.String) { if (reader.ValueIsEscaped) escaped = reader.GetString(); else text = reader.ValueSpan; }
                else reader.Skip();
            }
        }
        using var w = new Utf8JsonWriter(output);
        w.WriteStartObject();
        w.WriteString("type"u8, "text"u8);
        Span<byte> ts = stackalloc byte[32];
        DateTime.UtcNow.TryFormat(ts, out var n, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        w.WriteString("timestamp"u8, ts[..n]);
        w.WriteNull("channelId"u8);
        w.WriteStartObject("content"u8);
        w.WriteString("source"u8, "assistant"u8);
        if (escaped is not null) w.WriteString("text"u8, escaped);
        else w.WriteString("text"u8, text);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try { await _app.StopAsync(cts.Token); } catch (OperationCanceledException) { }
        await _app.DisposeAsync();
    }
}
