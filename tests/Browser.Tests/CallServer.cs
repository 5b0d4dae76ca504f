using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Orchestrator.Media.WebRtc;

namespace Orchestrator.Browser.Tests;

/// <summary>
/// A tiny Kestrel server on 127.0.0.1 for one call: the page, <c>GET /offer</c> (the peer's SDP)
/// and <c>POST /answer</c> (applied to the peer; 400 with the error text when refused).
/// </summary>
public sealed class CallServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Stopwatch _sinceOffer = new();

    private CallServer(WebApplication app, WebRtcPeer peer)
    {
        _app = app;
        Peer = peer;
    }

    public WebRtcPeer Peer { get; }
    public string Url { get; private set; } = "";
    public List<WebRtcAnswerResult> Answers { get; } = [];

    /// <summary>Time since the offer was fetched.</summary>
    public TimeSpan SinceOffer => _sinceOffer.Elapsed;

    public static async Task<CallServer> StartAsync(WebRtcPeer peer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new CallServer(app, peer);
        app.MapGet("/", () => Results.Content(CallPage.Html, "text/html"));
        app.MapGet("/offer", () =>
        {
            server._sinceOffer.Start();
            return Results.Text(peer.CreateOffer(), "application/sdp");
        });
        app.MapPost("/answer", async (HttpRequest request) =>
        {
            var sdp = await new StreamReader(request.Body).ReadToEndAsync();
            var result = peer.ApplyAnswer(sdp);
            lock (server.Answers) server.Answers.Add(result);
            return result.Accepted ? Results.Text(result.Codec!.Name) : Results.Text(result.Error, statusCode: 400);
        });
        await app.StartAsync();
        server.Url = app.Urls.First();
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await Peer.DisposeAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public static bool IsLoopback(IPEndPoint remote) => IPAddress.IsLoopback(remote.Address);
}
