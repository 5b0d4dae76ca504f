using System.Net.Http.Headers;
using System.Text.Json;
using Orchestrator.Speech.Audio;

namespace Orchestrator.Speech.Recognition.OpenAi;

/// <summary>
/// Recognition by an OpenAI-compatible <c>POST /v1/audio/transcriptions</c> server (OpenAI, whisper.cpp
/// server, faster-whisper, vLLM…): each utterance is buffered and uploaded as a 16 kHz WAV when it ends.
/// Final results only; <see cref="IRecognitionStream.PartialResult"/> is never raised.
/// </summary>
public sealed class OpenAiTranscriptionRecognizer(HttpClient http, OpenAiCompatibleOptions options) : ISpeechRecognizer
{
    public IRecognitionStream CreateStream() => new Stream(http, options);

    internal static async Task<string> Transcribe(HttpClient http, OpenAiCompatibleOptions options, short[] pcm, CancellationToken cancellationToken)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(WavWriter.Write(pcm));
        file.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        form.Add(file, "file", "utterance.wav");
        form.Add(new StringContent(options.Model), "model");
        form.Add(new StringContent("json"), "response_format");
        if (options.Language is { } language) form.Add(new StringContent(language), "language");

        const string what = "speech recognition (POST audio/transcriptions)";
        using var request = OpenAiHttp.Request(options, "audio/transcriptions", form);
        using var response = await OpenAiHttp.Send(http, request, what, HttpCompletionOption.ResponseContentRead, cancellationToken);
        await OpenAiHttp.EnsureSuccess(response, what, cancellationToken);
        string body = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
                return text.GetString()!.Trim();
        }
        catch (JsonException) { }
        throw new SpeechServiceException($"{what}: the response has no \"text\" field: {(body.Length > 200 ? body[..200] + "…" : body)}");
    }

    private sealed class Stream(HttpClient http, OpenAiCompatibleOptions options) : IRecognitionStream
    {
        private readonly object _gate = new();
        private List<short> _utterance = new();
        private bool _disposed;

        public event EventHandler<RecognitionResult>? PartialResult { add { } remove { } }

        public void Push(ReadOnlySpan<short> pcm16k)
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                foreach (var s in pcm16k) _utterance.Add(s);
            }
        }

        public async Task<RecognitionResult> EndOfUtteranceAsync(CancellationToken cancellationToken = default)
        {
            short[] pcm;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                pcm = _utterance.ToArray();
                _utterance = new List<short>();
            }
            var duration = PcmFormat.DurationOf(pcm.Length);
            if (pcm.Length == 0) return new RecognitionResult("", true, TimeSpan.Zero);
            return new RecognitionResult(await Transcribe(http, options, pcm, cancellationToken), true, duration);
        }

        public void Dispose()
        {
            lock (_gate) { _disposed = true; _utterance.Clear(); }
        }
    }
}
