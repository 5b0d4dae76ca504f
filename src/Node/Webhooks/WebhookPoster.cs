using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

namespace Orchestrator.Node.Webhooks;

/// <summary>What one POST to a webhook came to.</summary>
public sealed record WebhookResponse(int? StatusCode, string? Error, string? Body, TimeSpan Duration)
{
    public bool IsSuccess => StatusCode is >= 200 and < 300;
}

/// <summary>One signed POST of a JSON body to a webhook, bounded by a time-out. Never throws for the receiver's failures.</summary>
public sealed class WebhookPoster(IHttpClientFactory clients, TimeProvider time, ILogger<WebhookPoster> log)
{
    public const string ClientName = "webhooks";
    /// <summary>Enough of a reply to read a start webhook's answer or show an error; the rest is not read.</summary>
    public const int MaxReplyBytes = 64 * 1024;

    public async Task<WebhookResponse> PostAsync(
        string url, IReadOnlyDictionary<string, string>? headers, string? secret, string body, string deliveryId,
        TimeSpan timeout, bool readBody, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url)
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            foreach (var (name, value) in headers ?? new Dictionary<string, string>())
                if (!request.Headers.TryAddWithoutValidation(name, value))
                {
                    request.Content.Headers.Remove(name);
                    request.Content.Headers.TryAddWithoutValidation(name, value);
                }
            request.Headers.Remove(WebhookSignature.DeliveryHeader);
            request.Headers.Add(WebhookSignature.DeliveryHeader, deliveryId);
            if (!string.IsNullOrEmpty(secret))
            {
                request.Headers.Remove(WebhookSignature.SignatureHeader);
                request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Header(secret, body, time.GetUtcNow()));
            }

            using var response = await clients.CreateClient(ClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            var code = (int)response.StatusCode;
            var text = readBody || !response.IsSuccessStatusCode ? await ReadBoundedAsync(response.Content, deadline.Token) : null;
            string? error = response.IsSuccessStatusCode ? null : $"The receiver answered {code}{Excerpt(text)}.";
            return new WebhookResponse(code, error, readBody ? text : null, watch.Elapsed);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new WebhookResponse(null, $"No answer within {timeout.TotalSeconds:0.#} s.", null, watch.Elapsed);
        }
        catch (HttpRequestException e)
        {
            return new WebhookResponse(null, $"Could not reach the receiver: {e.Message}", null, watch.Elapsed);
        }
        catch (Exception e) when (e is InvalidOperationException or UriFormatException or FormatException)
        {
            // A URL or header the request cannot carry; validation normally stops these earlier.
            log.LogWarning("Webhook {DeliveryId} to {Url} could not be sent: {Error}", deliveryId, url, e.Message);
            return new WebhookResponse(null, $"The request could not be made: {e.Message}", null, watch.Elapsed);
        }
    }

    private static async Task<string> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[MaxReplyBytes];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken);
            if (n == 0) break;
            read += n;
        }
        return Encoding.UTF8.GetString(buffer, 0, read);
    }

    private static string Excerpt(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return "";
        var line = text.ReplaceLineEndings(" ").Trim();
        return ": " + (line.Length > 200 ? line[..200] + "…" : line);
    }
}
