using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Orchestrator.Speech.Audio;
using Orchestrator.Speech.Recognition;
using Orchestrator.Speech.Recognition.OpenAi;
using Orchestrator.Speech.Tests.Support;

namespace Orchestrator.Speech.Tests.Recognition;

public sealed class OpenAiTranscriptionRecognizerTests
{
    [Fact]
    public async Task Each_utterance_is_uploaded_as_a_16k_wav_and_its_text_is_the_final_result()
    {
        var uploads = new List<(string Model, string? Language, WavFormat Format, int Samples, string? ContentType)>();
        await using var server = await FakeServer.StartAsync(app => app.MapPost("/v1/audio/transcriptions", async (HttpContext ctx) =>
        {
            var form = await ctx.Request.ReadFormAsync();
            var file = form.Files["file"]!;
            using var ms = new MemoryStream();
            await file.CopyToAsync(ms);
            var (format, samples) = WavStreamReader.ReadAll(ms.ToArray());
            uploads.Add((form["model"]!, form["language"], format, samples.Length, file.ContentType));
            return Results.Json(new { text = $" heard {samples.Length} samples " });
        }).DisableAntiforgery());
        using var http = new HttpClient();
        var recognizer = new OpenAiTranscriptionRecognizer(http, new OpenAiCompatibleOptions { BaseAddress = server.BaseAddress, Model = "whisper-1", Language = "en" });

        using var stream = recognizer.CreateStream();
        bool partial = false;
        stream.PartialResult += (_, _) => partial = true;
        for (int i = 0; i < 50; i++) stream.Push(new short[320]);
        var first = await stream.EndOfUtteranceAsync();
        stream.Push(new short[320]);
        var second = await stream.EndOfUtteranceAsync();

        Assert.Equal(new RecognitionResult("heard 16000 samples", true, TimeSpan.FromSeconds(1)), first);
        Assert.Equal("heard 320 samples", second.Text);
        Assert.False(partial);
        Assert.Equal(("whisper-1", "en", new WavFormat(16000, 1, 16), 16000, "audio/wav"), (uploads[0].Model, (string?)uploads[0].Language, uploads[0].Format, uploads[0].Samples, uploads[0].ContentType));
    }

    [Theory]
    [InlineData(500, "model overloaded")]
    [InlineData(413, "file too large")]
    public async Task Error_statuses_become_exceptions_naming_the_status_and_message(int status, string message)
    {
        await using var server = await FakeServer.StartAsync(app => app.MapPost("/v1/audio/transcriptions", () => Results.Text(message, statusCode: status)));
        using var http = new HttpClient();
        using var stream = new OpenAiTranscriptionRecognizer(http, new OpenAiCompatibleOptions { BaseAddress = server.BaseAddress, Model = "whisper-1" }).CreateStream();
        stream.Push(new short[320]);
        var e = await Assert.ThrowsAsync<SpeechServiceException>(() => stream.EndOfUtteranceAsync());
        Assert.Equal(status, e.StatusCode);
        Assert.Contains(status.ToString(), e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public async Task A_response_without_text_and_an_unreachable_server_are_clear_errors()
    {
        await using (var server = await FakeServer.StartAsync(app => app.MapPost("/v1/audio/transcriptions", () => Results.Json(new { result = "x" }))))
        {
            using var http = new HttpClient();
            using var stream = new OpenAiTranscriptionRecognizer(http, new OpenAiCompatibleOptions { BaseAddress = server.BaseAddress, Model = "m" }).CreateStream();
            stream.Push(new short[320]);
            Assert.Contains("no \"text\" field", (await Assert.ThrowsAsync<SpeechServiceException>(() => stream.EndOfUtteranceAsync())).Message);
        }
        using var http2 = new HttpClient();
        using var dead = new OpenAiTranscriptionRecognizer(http2, new OpenAiCompatibleOptions { BaseAddress = new Uri("http://127.0.0.1:1/v1"), Model = "m" }).CreateStream();
        dead.Push(new short[320]);
        Assert.Contains("unreachable", (await Assert.ThrowsAsync<SpeechServiceException>(() => dead.EndOfUtteranceAsync())).Message);
    }
}
