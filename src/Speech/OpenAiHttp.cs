using System.Net.Http.Headers;

namespace Orchestrator.Speech;

internal static class OpenAiHttp
{
    public static HttpRequestMessage Request(OpenAiCompatibleOptions options, string relative, HttpContent content)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, options.Endpoint(relative)) { Content = content };
        if (!string.IsNullOrEmpty(options.ApiKey)) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
        return request;
    }

    /// <summary>Throws a <see cref="SpeechServiceException"/> naming the endpoint, the status and the vendor's own message.</summary>
    public static async Task EnsureSuccess(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode) return;
        string body = "";
        try { body = await response.Content.ReadAsStringAsync(cancellationToken); } catch (HttpRequestException) { }
        if (body.Length > 500) body = body[..500] + "…";
        throw new SpeechServiceException(
            $"{what} failed: {(int)response.StatusCode} {response.ReasonPhrase} from {response.RequestMessage?.RequestUri}{(body.Length > 0 ? ": " + body : "")}",
            (int)response.StatusCode);
    }

    public static async Task<HttpResponseMessage> Send(HttpClient http, HttpRequestMessage request, string what, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        try
        {
            return await http.SendAsync(request, completion, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new SpeechServiceException($"{what} failed: {request.RequestUri} is unreachable: {e.Message}", inner: e);
        }
    }
}
