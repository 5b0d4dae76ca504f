using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Orchestrator.Node.Tests.Webhooks;

/// <summary>One request as the receiver saw it.</summary>
public sealed record ReceivedWebhook(string Path, string Body, string? DeliveryId, string? Signature, IReadOnlyDictionary<string, string> Headers,
    bool SignatureValid, int AnsweredWith, DateTimeOffset At);

/// <summary>
/// A webhook receiver as a user would write one, on a real Kestrel at 127.0.0.1:0. With a secret it
/// verifies every signature itself (its own HMAC, a 5-minute limit on the signed time) and answers
/// 401 to a bad one; otherwise it answers what <see cref="Answer"/> says for the request.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string? _secret;
    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The status to answer and an optional body; the request's attempt number per delivery id is given, from 1.</summary>
    public Func<ReceivedWebhook, int, (int Status, string? Body)> Answer { get; set; } = (_, _) => (200, null);

    /// <summary>Headers put on every answer.</summary>
    public Dictionary<string, string> ResponseHeaders { get; } = [];

    /// <summary>How long to wait before answering (to test time-outs).</summary>
    public TimeSpan Delay { get; set; }

    private readonly ConcurrentDictionary<string, int> _attempts = new();

    private WebhookReceiver(string? secret)
    {
        _secret = secret;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/{**path}", HandleAsync);
    }

    public static async Task<WebhookReceiver> StartAsync(string? secret = null)
    {
        var receiver = new WebhookReceiver(secret);
        await receiver._app.StartAsync();
        var address = receiver._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.BaseAddress = new Uri(address);
        return receiver;
    }

    public string Url(string path = "hook") => new Uri(BaseAddress, path).ToString();

    public IReadOnlyList<ReceivedWebhook> Accepted => Received.Where(r => r.AnsweredWith is >= 200 and < 300).ToList();

    public async Task WaitUntilAsync(Func<WebhookReceiver, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition(this))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{what}: not seen within {timeout}. Received: " +
                    string.Join("; ", Received.Select(r => $"{r.DeliveryId} → {r.AnsweredWith}")));
            await Task.Delay(50);
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var deliveryId = context.Request.Headers["X-Orchestrator-Delivery"].FirstOrDefault();
        var signature = context.Request.Headers["X-Orchestrator-Signature"].FirstOrDefault();
        var valid = _secret is not null && Verify(_secret, signature, body, DateTimeOffset.UtcNow);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var request = new ReceivedWebhook(context.Request.Path, body, deliveryId, signature, headers, valid, 0, DateTimeOffset.UtcNow);

        if (Delay > TimeSpan.Zero) await Task.Delay(Delay);
        var attempt = _attempts.AddOrUpdate(deliveryId ?? "", 1, (_, n) => n + 1);
        var (status, reply) = _secret is not null && !valid ? (401, "bad signature") : Answer(request, attempt);
        Received.Enqueue(request with { AnsweredWith = status });
        context.Response.StatusCode = status;
        foreach (var (name, value) in ResponseHeaders) context.Response.Headers[name] = value;
        if (reply is not null)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(reply);
        }
    }

    /// <summary>The check a receiver does: t=…,v1=… with the HMAC of "t.body", and t no older than 5 minutes.</summary>
    public static bool Verify(string secret, string? header, string body, DateTimeOffset now)
    {
        if (header is null) return false;
        var parts = header.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        if (!parts.TryGetValue("t", out var t) || !parts.TryGetValue("v1", out var v1)) return false;
        if (!long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)) return false;
        if ((now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > TimeSpan.FromMinutes(5)) return false;
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(secret));
        var expected = hmac.ComputeHash(Encoding.UTF8.GetBytes(t + "." + body));
        byte[] given;
        try { given = Convert.FromHexString(v1); }
        catch (FormatException) { return false; }
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
