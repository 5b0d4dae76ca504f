using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orchestrator.Speech.Audio;

namespace Orchestrator.Node.Tests.Speech;

/// <summary>
/// An OpenAI-compatible audio server on 127.0.0.1: <c>/v1/audio/speech</c> answers any text with a
/// loud 24 kHz tone as WAV, <c>/v1/audio/transcriptions</c> with a fixed <see cref="Transcript"/>.
/// Every request is recorded with what the node sent (model, voice, speed, key).
/// </summary>
internal sealed class FakeOpenAiAudioServer : IAsyncDisposable
{
    public sealed record Request(string Endpoint, string? Authorization, string? Model, string? Voice = null, string? Input = null, double? Speed = null,
        int AudioBytes = 0);

    private readonly WebApplication _app;

    private FakeOpenAiAudioServer(WebApplication app, string transcript)
    {
        _app = app;
        Transcript = transcript;
    }

    public string Transcript { get; }

    public ConcurrentQueue<Request> Requests { get; } = new();

    /// <summary>The API root, ending in /v1.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public IEnumerable<Request> Speech => Requests.Where(r => r.Endpoint == "speech");

    public IEnumerable<Request> Transcriptions => Requests.Where(r => r.Endpoint == "transcriptions");

    public static async Task<FakeOpenAiAudioServer> StartAsync(string transcript)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new FakeOpenAiAudioServer(app, transcript);
        var tone = WavWriter.Write(Enumerable.Range(0, 24000 * 2 / 5).Select(i => (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / 24000.0))).ToArray(), 24000);
        app.MapPost("/v1/audio/speech", async (HttpContext ctx) =>
        {
            var body = (await JsonDocument.ParseAsync(ctx.Request.Body)).RootElement;
            server.Requests.Enqueue(new Request("speech", ctx.Request.Headers.Authorization, body.GetProperty("model").GetString(),
                body.GetProperty("voice").GetString(), body.GetProperty("input").GetString(), body.GetProperty("speed").GetDouble()));
            ctx.Response.ContentType = "audio/wav";
            await ctx.Response.Body.WriteAsync(tone);
        });
        app.MapPost("/v1/audio/transcriptions", async (HttpContext ctx) =>
        {
            var form = await ctx.Request.ReadFormAsync();
            server.Requests.Enqueue(new Request("transcriptions", ctx.Request.Headers.Authorization, form["model"],
                AudioBytes: (int)(form.Files["file"]?.Length ?? 0)));
            return Results.Json(new { text = server.Transcript });
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address.TrimEnd('/') + "/v1");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
