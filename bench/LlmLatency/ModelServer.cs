using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace LlmLatency;

/// <summary>When the model server saw one request and sent its first token, on this process's Stopwatch.</summary>
public sealed class ModelTiming
{
    public long ArrivedAt;
    public long FirstTokenAt;
    public long LastTokenAt;
    /// <summary>When the token that completes the reply's first sentence was flushed.</summary>
    public long FirstSentenceAt;

    /// <summary>Request in → the first sentence's last token flushed.</summary>
    public double FirstSentenceMs => Stopwatch.GetElapsedTime(ArrivedAt, FirstSentenceAt).TotalMilliseconds;

    /// <summary>The time to first token as the server actually produced it (request in → first content flushed).</summary>
    public double TtftMs => Stopwatch.GetElapsedTime(ArrivedAt, FirstTokenAt).TotalMilliseconds;
}

/// <summary>
/// The benchmark's own OpenAI-compatible model server (a bench cannot use the tests' one): Kestrel on
/// 127.0.0.1, <c>POST /v1/chat/completions</c> with <c>stream: true</c> answered in the OpenAI
/// server-sent-event format. Every reply is the same text, one word a token: the first token (with
/// the role delta) <see cref="TtftMs"/> after the request arrived, then one every 1/<see cref="TokensPerSecond"/>
/// s on an absolute schedule (no drift). The last user message carries a turn tag <c>[turn N]</c>;
/// the server keeps, per tag, when the request arrived and when its first token was flushed, so the
/// bench can take the model's own time out of what the client saw.
/// </summary>
public sealed partial class ModelServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ModelTiming> _timings = new();
    private readonly ConcurrentQueue<ModelTiming> _all = new();
    private readonly string[] _tokens;

    private ModelServer(WebApplication app, string reply, double ttftMs, double tokensPerSecond)
    {
        _app = app;
        TtftMs = ttftMs;
        TokensPerSecond = tokensPerSecond;
        // Each word with the space after it, as tokenisers split English text.
        var words = reply.Split(' ');
        _tokens = [.. words.Select((w, i) => i < words.Length - 1 ? w + " " : w)];
    }

    public double TtftMs { get; }
    public double TokensPerSecond { get; }
    public string Endpoint { get; private set; } = "";
    public int Tokens => _tokens.Length;
    public long Requests;
    public long Unmatched;

    [GeneratedRegex(@"\[turn (\d+)\]")]
    private static partial Regex TurnTag();

    public static async Task<ModelServer> StartAsync(string reply, double ttftMs, double tokensPerSecond)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxConcurrentConnections = null);
        var app = builder.Build();
        var server = new ModelServer(app, reply, ttftMs, tokensPerSecond);
        app.MapPost("/v1/chat/completions", server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Endpoint = address.TrimEnd('/') + "/v1";
        return server;
    }

    public ModelTiming? Timing(string tag) => _timings.TryGetValue(tag, out var t) ? t : null;

    /// <summary>Every request so far, in order of arrival (a call's turns carry no tag: their text is recognised speech).</summary>
    public IReadOnlyList<ModelTiming> All => [.. _all];

    /// <summary>The number of tokens up to and including the one that ends the first sentence.</summary>
    public int FirstSentenceTokens { get; init; } = Options.FirstSentenceTokens;

    private async Task HandleAsync(HttpContext http)
    {
        var timing = new ModelTiming { ArrivedAt = Stopwatch.GetTimestamp() };
        _all.Enqueue(timing);
        Interlocked.Increment(ref Requests);
        var body = await JsonNode.ParseAsync(http.Request.Body);
        var last = body?["messages"]?.AsArray().LastOrDefault(m => m?["role"]?.GetValue<string>() == "user");
        var match = TurnTag().Match(last?["content"]?.ToString() ?? "");
        if (match.Success) _timings[match.Groups[1].Value] = timing;
        else Interlocked.Increment(ref Unmatched);

        var model = body?["model"]?.GetValue<string>() ?? "bench";
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        var ct = http.RequestAborted;
        double tokenMs = 1000.0 / TokensPerSecond;
        try
        {
            for (int i = 0; i < _tokens.Length; i++)
            {
                await WaitUntilAsync(timing.ArrivedAt, TtftMs + i * tokenMs, ct);
                if (i == 0) await WriteAsync(http, Chunk(model, new JsonObject { ["role"] = "assistant", ["content"] = "" }, null), flush: false);
                await WriteAsync(http, Chunk(model, new JsonObject { ["content"] = _tokens[i] }, null), flush: true);
                if (i == 0) timing.FirstTokenAt = Stopwatch.GetTimestamp();
                if (i == FirstSentenceTokens - 1) timing.FirstSentenceAt = Stopwatch.GetTimestamp();
            }
            timing.LastTokenAt = Stopwatch.GetTimestamp();
            await WriteAsync(http, Chunk(model, new JsonObject(), "stop"), flush: false);
            await http.Response.WriteAsync("data: [DONE]\n\n", ct);
            await http.Response.Body.FlushAsync(ct);
        }
        catch (OperationCanceledException) { } // the node cancelled the turn
    }

    /// <summary>Sleeps to <paramref name="offsetMs"/> after <paramref name="from"/>: a timer to within 2 ms, then yields.</summary>
    private static async Task WaitUntilAsync(long from, double offsetMs, CancellationToken ct)
    {
        while (true)
        {
            double left = offsetMs - Stopwatch.GetElapsedTime(from).TotalMilliseconds;
            if (left <= 0) return;
            if (left > 2) await Task.Delay(TimeSpan.FromMilliseconds(left - 1.5), ct);
            else await Task.Yield();
        }
    }

    private static string Chunk(string model, JsonObject delta, string? finish) => new JsonObject
    {
        ["id"] = "chatcmpl-bench",
        ["object"] = "chat.completion.chunk",
        ["created"] = 1_700_000_000,
        ["model"] = model,
        ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finish }),
    }.ToJsonString();

    private static async Task WriteAsync(HttpContext http, string chunk, bool flush)
    {
        await http.Response.WriteAsync("data: " + chunk + "\n\n", Encoding.UTF8, http.RequestAborted);
        if (flush) await http.Response.Body.FlushAsync(http.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
