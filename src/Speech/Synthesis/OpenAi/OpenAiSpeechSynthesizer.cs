using System.Buffers.Binary;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using Orchestrator.Speech.Audio;

namespace Orchestrator.Speech.Synthesis.OpenAi;

/// <summary>
/// Synthesis by an OpenAI-compatible <c>POST /v1/audio/speech</c> server. Asks for <c>wav</c> by default
/// (self-describing) or <c>pcm</c> (raw 16-bit little-endian mono at <see cref="PcmSampleRate"/>, 24 kHz
/// at OpenAI); the response body is read as it streams and yielded as 16 kHz chunks.
/// </summary>
public sealed class OpenAiSpeechSynthesizer(HttpClient http, OpenAiCompatibleOptions options, string responseFormat = "wav", int pcmSampleRate = 24_000)
    : ISpeechSynthesizer
{
    public string ResponseFormat { get; } = responseFormat is "wav" or "pcm"
        ? responseFormat : throw new ArgumentException("response format must be 'wav' or 'pcm'", nameof(responseFormat));

    public int PcmSampleRate { get; } = pcmSampleRate;

    public async IAsyncEnumerable<short[]> SynthesizeAsync(string text, VoiceOptions? voice = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        voice ??= new VoiceOptions();
        if (string.IsNullOrWhiteSpace(text)) yield break;

        const string what = "speech synthesis (POST audio/speech)";
        var body = JsonContent.Create(new Dictionary<string, object>
        {
            ["model"] = options.Model,
            ["input"] = text,
            ["voice"] = voice.Voice ?? "alloy",
            ["response_format"] = ResponseFormat,
            ["speed"] = Math.Clamp(voice.Speed, 0.25, 4.0),
        });
        using var request = OpenAiHttp.Request(options, "audio/speech", body);
        using var response = await OpenAiHttp.Send(http, request, what, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await OpenAiHttp.EnsureSuccess(response, what, cancellationToken);

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var chunker = new PcmChunker(voice.ChunkSamples);
        var wav = ResponseFormat == "wav" ? new WavStreamReader() : null;
        byte? carry = null; // raw pcm: an odd byte waiting for its partner
        var buffer = new byte[8192];
        while (true)
        {
            int n = await stream.ReadAsync(buffer, cancellationToken);
            if (n == 0) break;
            short[] samples;
            int rate;
            if (wav is not null)
            {
                try { samples = wav.Feed(buffer.AsSpan(0, n)); }
                catch (WavFormatException e) { throw new SpeechServiceException($"{what}: the response is not usable WAV: {e.Message}", inner: e); }
                if (samples.Length == 0) continue;
                rate = wav.Format!.SampleRate;
            }
            else
            {
                samples = DecodePcm(buffer.AsSpan(0, n), ref carry);
                rate = PcmSampleRate;
            }
            foreach (var chunk in chunker.Add(samples, rate))
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return chunk;
            }
        }
        if (wav is not null)
        {
            try { wav.Complete(); }
            catch (WavFormatException e) { throw new SpeechServiceException($"{what}: the response is not usable WAV: {e.Message}", inner: e); }
        }
        if (chunker.Flush() is { } last) yield return last;
    }

    private static short[] DecodePcm(ReadOnlySpan<byte> bytes, ref byte? carry)
    {
        var all = new List<byte>(bytes.Length + 1);
        if (carry is { } c) all.Add(c);
        all.AddRange(bytes.ToArray());
        carry = all.Count % 2 == 1 ? all[^1] : null;
        var samples = new short[all.Count / 2];
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(all);
        for (int i = 0; i < samples.Length; i++) samples[i] = BinaryPrimitives.ReadInt16LittleEndian(span[(2 * i)..]);
        return samples;
    }
}
