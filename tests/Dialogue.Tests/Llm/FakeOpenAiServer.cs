using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Orchestrator.Dialogue.Tests.Llm;

/// <summary>
/// A local OpenAI-compatible model server for tests: <c>POST /v1/chat/completions</c> answered with
/// server-sent events in the OpenAI wire format (role delta, content deltas, tool_calls deltas split
/// across chunks, finish_reason, [DONE]). Replies are scripted per test, in order; every request
/// body is recorded so tests can assert what the model was sent. Kestrel on 127.0.0.1, port 0.
/// </summary>
public sealed class FakeOpenAiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<FakeReply> _replies = new();
    private readonly ConcurrentQueue<JsonObject> _requests = new();
    private readonly ConcurrentQueue<int> _aborted = new();

    private FakeOpenAiServer(WebApplication app) => _app = app;

    /// <summary>The base URL an agent's llmConfig.endpoint names (ends in /v1).</summary>
    public string Endpoint { get; private set; } = "";

    public IReadOnlyList<JsonObject> Requests => [.. _requests];

    /// <summary>Requests (numbered from 1, in arrival order) whose client hung up while the reply was still streaming.</summary>
    public IReadOnlyList<int> Aborted => [.. _aborted];

    public static async Task<FakeOpenAiServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new FakeOpenAiServer(app);
        app.MapPost("/v1/chat/completions", server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Endpoint = address.TrimEnd('/') + "/v1";
        return server;
    }

    /// <summary>Forgets scripted replies and recorded requests (a server shared by the tests of a class).</summary>
    public void Reset()
    {
        _replies.Clear();
        _requests.Clear();
        _aborted.Clear();
    }

    /// <summary>Queues the reply to the next request.</summary>
    public FakeOpenAiServer Reply(FakeReply reply)
    {
        _replies.Enqueue(reply);
        return this;
    }

    public FakeOpenAiServer ReplyText(params string[] chunks) => Reply(new FakeReply { Chunks = chunks });

    /// <summary>Polls until <paramref name="count"/> requests have arrived (10 s).</summary>
    public async Task<JsonObject> WaitForRequestAsync(int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (_requests.Count < count)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The model server got {_requests.Count} requests, not {count}");
            await Task.Delay(20);
        }
        return Requests[count - 1];
    }

    /// <summary>Polls until request <paramref name="request"/> (from 1) is seen aborted by its client (10 s).</summary>
    public async Task WaitForAbortAsync(int request)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!_aborted.Contains(request))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Request {request} was not aborted; aborted: [{string.Join(", ", _aborted)}]");
            await Task.Delay(20);
        }
    }

    private async Task HandleAsync(HttpContext http)
    {
        var body = JsonNode.Parse(await new StreamReader(http.Request.Body).ReadToEndAsync())!.AsObject();
        int number;
        lock (_requests)
        {
            _requests.Enqueue(body);
            number = _requests.Count;
        }
        try
        {
            await AnswerAsync(http, body);
        }
        catch (Exception) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client hung up mid-reply (a barge-in cancels the step): the test can see it did.
            _aborted.Enqueue(number);
        }
    }

    private async Task AnswerAsync(HttpContext http, JsonObject body)
    {
        if (!_replies.TryDequeue(out var reply))
        {
            http.Response.StatusCode = 500;
            await http.Response.WriteAsync("""{"error":{"message":"no scripted reply"}}""");
            return;
        }
        if (reply.Status != 200)
        {
            http.Response.StatusCode = reply.Status;
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync("""{"error":{"message":"scripted failure","type":"server_error"}}""");
            return;
        }
        var model = body["model"]?.GetValue<string>() ?? "fake";
        if (body["stream"]?.GetValue<bool>() != true)
        {
            // A whole answer at once (structured output asks this way).
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync(new JsonObject
            {
                ["id"] = "chatcmpl-fake", ["object"] = "chat.completion", ["created"] = 1_700_000_000, ["model"] = model,
                ["choices"] = new JsonArray(new JsonObject
                {
                    ["index"] = 0, ["finish_reason"] = "stop",
                    ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = string.Concat(reply.Chunks) },
                }),
            }.ToJsonString());
            return;
        }
        http.Response.ContentType = "text/event-stream";
        if (reply.Delay > TimeSpan.Zero) await Task.Delay(reply.Delay, http.RequestAborted);
        await SendAsync(http, Chunk(model, new JsonObject { ["role"] = "assistant", ["content"] = "" }, null));
        var i = 0;
        foreach (var chunk in reply.Chunks)
        {
            if (i++ == reply.HoldAfter && reply.Hold is { } hold) await hold.Task.WaitAsync(http.RequestAborted);
            await SendAsync(http, Chunk(model, new JsonObject { ["content"] = chunk }, null));
        }
        for (var t = 0; t < reply.ToolCalls.Count; t++)
        {
            var (id, name, args) = reply.ToolCalls[t];
            // The name comes first with empty arguments, then the arguments in two pieces, as OpenAI streams them.
            await SendAsync(http, Chunk(model, ToolDelta(t, id, name, ""), null));
            var half = args.Length / 2;
            await SendAsync(http, Chunk(model, ToolDelta(t, null, null, args[..half]), null));
            await SendAsync(http, Chunk(model, ToolDelta(t, null, null, args[half..]), null));
        }
        await SendAsync(http, Chunk(model, new JsonObject(), reply.ToolCalls.Count > 0 ? "tool_calls" : "stop"));
        await http.Response.WriteAsync("data: [DONE]\n\n");
        await http.Response.Body.FlushAsync();
    }

    private static JsonObject ToolDelta(int index, string? id, string? name, string arguments)
    {
        var function = new JsonObject { ["arguments"] = arguments };
        if (name is not null) function["name"] = name;
        var call = new JsonObject { ["index"] = index, ["function"] = function };
        if (id is not null)
        {
            call["id"] = id;
            call["type"] = "function";
        }
        return new JsonObject { ["tool_calls"] = new JsonArray(call) };
    }

    private static JsonObject Chunk(string model, JsonObject delta, string? finish) => new()
    {
        ["id"] = "chatcmpl-fake",
        ["object"] = "chat.completion.chunk",
        ["created"] = 1_700_000_000,
        ["model"] = model,
        ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finish }),
    };

    private static async Task SendAsync(HttpContext http, JsonObject chunk)
    {
        await http.Response.WriteAsync("data: " + chunk.ToJsonString() + "\n\n", Encoding.UTF8, http.RequestAborted);
        await http.Response.Body.FlushAsync(http.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One scripted model reply.</summary>
public sealed record FakeReply
{
    public IReadOnlyList<string> Chunks { get; init; } = [];
    public IReadOnlyList<(string Id, string Name, string Args)> ToolCalls { get; init; } = [];
    /// <summary>Not 200: the request fails with this status and an OpenAI error body.</summary>
    public int Status { get; init; } = 200;
    /// <summary>When set, the stream waits for it before sending chunk <see cref="HoldAfter"/>.</summary>
    public TaskCompletionSource? Hold { get; init; }
    public int HoldAfter { get; init; }
    /// <summary>How long the stream waits before its first chunk (a model's time to first token).</summary>
    public TimeSpan Delay { get; init; }

    public static FakeReply Tools(params (string Id, string Name, string Args)[] calls) => new() { ToolCalls = calls };
}
