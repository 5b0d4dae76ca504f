using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Orchestrator.Speech.Audio;
using Orchestrator.Speech.Synthesis;
using Orchestrator.Speech.Synthesis.OpenAi;
using Orchestrator.Speech.Tests.Support;

namespace Orchestrator.Speech.Tests.Synthesis;

public sealed class OpenAiSpeechSynthesizerTests
{
    private static readonly short[] Tone24k = Enumerable.Range(0, 24000).Select(i => (short)(8000 * Math.Sin(2 * Math.PI * 500 * i / 24000.0))).ToArray();

    private static async Task<List<short[]>> Collect(IAsyncEnumerable<short[]> chunks)
    {
        var all = new List<short[]>();
        await foreach (var c in chunks) all.Add(c);
        return all;
    }

    [Theory]
    [InlineData("wav")]
    [InlineData("pcm")]
    public async Task Audio_in_either_format_comes_back_as_16k_chunks(string format)
    {
        JsonElement? seen = null;
        string? auth = null;
        await using var server = await FakeServer.StartAsync(app => app.MapPost("/v1/audio/speech", async (HttpContext ctx) =>
        {
            seen = (await JsonDocument.ParseAsync(ctx.Request.Body)).RootElement.Clone();
            auth = ctx.Request.Headers.Authorization;
            var wav = WavWriter.Write(Tone24k, 24000);
            var body = format == "wav" ? wav : wav[44..];
            // Odd-sized writes: the client must reassemble samples split across reads.
            for (int i = 0; i < body.Length; i += 1001) { await ctx.Response.Body.WriteAsync(body.AsMemory(i, Math.Min(1001, body.Length - i))); await ctx.Response.Body.FlushAsync(); }
        }));
        using var http = new HttpClient();
        var synth = new OpenAiSpeechSynthesizer(http, new OpenAiCompatibleOptions { BaseAddress = server.BaseAddress, Model = "tts-1", ApiKey = "k" }, format);

        var chunks = await Collect(synth.SynthesizeAsync("Hello there.", new VoiceOptions { Voice = "nova", ChunkMilliseconds = 20 }));

        Assert.InRange(chunks.Sum(c => c.Length), 15_900, 16_000);
        Assert.All(chunks[..^1], c => Assert.Equal(320, c.Length));
        Assert.Equal("tts-1", seen!.Value.GetProperty("model").GetString());
        Assert.Equal("Hello there.", seen.Value.GetProperty("input").GetString());
        Assert.Equal("nova", seen.Value.GetProperty("voice").GetString());
        Assert.Equal(format, seen.Value.GetProperty("response_format").GetString());
        Assert.Equal("Bearer k", auth);
    }

    [Fact]
    public async Task An_error_status_becomes_an_exception_with_the_status_and_the_vendors_message()
    {
        await using var server = await FakeServer.StartAsync(app => app.MapPost("/v1/audio/speech",
            () => Results.Json(new { error = new { message = "Invalid API key" } }, statusCode: 401)));
        using var http = new HttpClient();
        var synth = new OpenAiSpeechSynthesizer(http, new OpenAiCompatibleOptions { BaseAddress = server.BaseAddress, Model = "tts-1" });

        var e = await Assert.ThrowsAsync<SpeechServiceException>(() => Collect(synth.SynthesizeAsync("hi")));
        Assert.Equal(401, e.StatusCode);
        Assert.Contains("401", e.Message);
        Assert.Contains("Invalid API key", e.Message);
        Assert.Contains("audio/speech", e.Message);
    }

    [Fact]
    public async Task A_body_that_is_not_wav_is_a_clear_error()
    {
        await using var server = await FakeServer.StartAsync(app => app.MapPost("/v1/audio/speech", () => Results.Text("<html>oops</html>")));
        using var http = new HttpClient();
        var synth = new OpenAiSpeechSynthesizer(http, new OpenAiCompatibleOptions { BaseAddress = server.BaseAddress, Model = "tts-1" });
        var e = await Assert.ThrowsAsync<SpeechServiceException>(() => Collect(synth.SynthesizeAsync("hi")));
        Assert.Contains("not usable WAV", e.Message);
    }
}
