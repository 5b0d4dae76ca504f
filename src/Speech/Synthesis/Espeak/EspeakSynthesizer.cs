using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using Orchestrator.Speech.Audio;

namespace Orchestrator.Speech.Synthesis.Espeak;

/// <summary>
/// The default synthesizer: one <c>espeak-ng --stdout</c> process per text, the text on stdin (no
/// quoting issues, no argument injection), its WAV stream (22 050 Hz) parsed as it arrives and
/// resampled to 16 kHz. Cancelling or abandoning the enumeration kills the process.
/// </summary>
public sealed class EspeakSynthesizer(EspeakOptions? options = null) : ISpeechSynthesizer
{
    private readonly EspeakOptions _options = options ?? new EspeakOptions();

    public async IAsyncEnumerable<short[]> SynthesizeAsync(string text, VoiceOptions? voice = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        voice ??= new VoiceOptions();
        if (string.IsNullOrWhiteSpace(text)) yield break;
        cancellationToken.ThrowIfCancellationRequested();

        int wpm = (int)Math.Clamp(Math.Round(_options.WordsPerMinute * voice.Speed), 80, 450);
        var start = new ProcessStartInfo(_options.Executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
        };
        foreach (var arg in new[] { "--stdout", "--stdin", "-b", "1", "-v", voice.Voice ?? _options.DefaultVoice, "-s", wpm.ToString() })
            start.ArgumentList.Add(arg);

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new SpeechServiceException($"espeak-ng could not be started ('{_options.Executable}'; Debian package espeak-ng): {e.Message}", inner: e);
        }

        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var kill = cancellationToken.Register(() => Kill(process));
        try
        {
            // Newlines would end a "line" for espeak-ng's --stdin reader too early on some builds: speak it as one.
            await process.StandardInput.WriteAsync(text.Replace('\n', ' ').Replace('\r', ' '));
            process.StandardInput.Close();

            var wav = new WavStreamReader();
            var chunker = new PcmChunker(voice.ChunkSamples);
            var buffer = new byte[4096];
            var output = process.StandardOutput.BaseStream;
            while (true)
            {
                int n;
                try
                {
                    n = await output.ReadAsync(buffer, cancellationToken);
                }
                catch (Exception) when (cancellationToken.IsCancellationRequested)
                {
                    throw new OperationCanceledException(cancellationToken);
                }
                if (n == 0) break;
                var samples = wav.Feed(buffer.AsSpan(0, n));
                if (samples.Length == 0) continue;
                foreach (var chunk in chunker.Add(samples, wav.Format!.SampleRate))
                {
                    cancellationToken.ThrowIfCancellationRequested(); // barge-in: not one chunk more
                    yield return chunk;
                }
            }
            cancellationToken.ThrowIfCancellationRequested();
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0)
                throw new SpeechServiceException($"espeak-ng exited with code {process.ExitCode}: {(await stderr).Trim()}");
            try { wav.Complete(); }
            catch (WavFormatException e) { throw new SpeechServiceException($"espeak-ng produced no audio: {e.Message}", inner: e); }
            if (chunker.Flush() is { } last) yield return last;
        }
        finally
        {
            Kill(process); // no-op once it has exited; stops it when the consumer stops early
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { }
        catch (Win32Exception) { }
    }
}
