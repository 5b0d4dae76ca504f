using System.Diagnostics;
using Orchestrator.Speech.Synthesis;
using Orchestrator.Speech.Synthesis.Espeak;
using Orchestrator.Speech.Tests.Support;
using Orchestrator.Speech.Vad;
using Xunit.Abstractions;

namespace Orchestrator.Speech.Tests.Synthesis;

[Collection(PocketsphinxCollection.Name)]
public sealed class EspeakSynthesizerTests(ITestOutputHelper output)
{
    [NativeFact(Native.Espeak)]
    public async Task Speech_streams_in_fixed_16k_chunks_and_the_first_comes_early()
    {
        NativeTools.Require(Native.Espeak);
        var synth = new EspeakSynthesizer();
        var watch = Stopwatch.StartNew();
        TimeSpan first = TimeSpan.Zero;
        var chunks = new List<short[]>();
        await foreach (var chunk in synth.SynthesizeAsync("Your table for two is booked for seven thirty tonight. We look forward to seeing you.", new VoiceOptions { ChunkMilliseconds = 40 }))
        {
            if (chunks.Count == 0) first = watch.Elapsed;
            chunks.Add(chunk);
        }
        var total = watch.Elapsed;
        double seconds = chunks.Sum(c => c.Length) / 16000.0;
        output.WriteLine($"time to first chunk {first.TotalMilliseconds:F0} ms, total {total.TotalMilliseconds:F0} ms for {seconds:F2} s of audio");

        Assert.InRange(seconds, 3, 10);
        Assert.All(chunks[..^1], c => Assert.Equal(640, c.Length));
        Assert.InRange(chunks[^1].Length, 1, 640);
        Assert.True(first < total, "the first chunk must arrive before synthesis ends");
        Assert.True(chunks.Any(c => EnergyVad.EnergyDb(c) > -30), "speech must be audible");
    }

    [NativeFact(Native.Espeak)]
    public async Task Cancelling_stops_the_stream_and_kills_espeak()
    {
        NativeTools.Require(Native.Espeak);
        var synth = new EspeakSynthesizer();
        using var cts = new CancellationTokenSource();
        var longText = string.Join(" ", Enumerable.Repeat("This sentence is repeated to make a long reply.", 40));
        int received = 0;
        int espeakBefore = CountEspeak();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in synth.SynthesizeAsync(longText, cancellationToken: cts.Token))
                if (++received == 3) cts.Cancel();
        });
        Assert.Equal(3, received);
        await Task.Delay(200);
        Assert.True(CountEspeak() <= espeakBefore, "espeak-ng must not outlive the cancelled synthesis");
    }

    [NativeFact(Native.Espeak)]
    public async Task Text_is_passed_on_stdin_so_quotes_and_dashes_are_just_text()
    {
        NativeTools.Require(Native.Espeak);
        var samples = 0;
        await foreach (var c in new EspeakSynthesizer().SynthesizeAsync("--help \"; rm -rf / '$(x)'")) samples += c.Length;
        Assert.True(samples > 16000 / 2);
    }

    [Fact]
    public async Task A_missing_executable_is_a_clear_error()
    {
        var synth = new EspeakSynthesizer(new EspeakOptions { Executable = "/nonexistent/espeak-ng" });
        var e = await Assert.ThrowsAsync<SpeechServiceException>(async () => { await foreach (var _ in synth.SynthesizeAsync("hi")) { } });
        Assert.Contains("espeak-ng could not be started", e.Message);
    }

    private static int CountEspeak() =>
        Process.GetProcessesByName("espeak-ng").Count(p => { try { return p.Parent()?.Id == Environment.ProcessId; } catch { return false; } });
}

internal static class ProcessExtensions
{
    public static Process? Parent(this Process process)
    {
        var stat = File.ReadAllText($"/proc/{process.Id}/stat");
        int ppid = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
        return Process.GetProcessById(ppid);
    }
}
