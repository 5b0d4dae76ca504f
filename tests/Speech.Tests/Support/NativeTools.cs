using System.Collections.Concurrent;
using Orchestrator.Speech.Audio;
using Orchestrator.Speech.Recognition.Pocketsphinx;
using Orchestrator.Speech.Synthesis.Espeak;

namespace Orchestrator.Speech.Tests.Support;

[Flags]
public enum Native { Espeak = 1, Pocketsphinx = 2 }

/// <summary>
/// Finds espeak-ng and pocketsphinx. Locally a missing tool skips the test (see <see cref="NativeFactAttribute"/>);
/// with CI=true the test runs and <see cref="Require"/> fails it with the package to install.
/// </summary>
public static class NativeTools
{
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static readonly Lazy<string?> EspeakMissing = new(() =>
        OnPath("espeak-ng") ? null : "espeak-ng is not on PATH (install the Debian package espeak-ng)");

    public static readonly Lazy<string?> PocketsphinxMissing = new(() =>
    {
        if (!PocketsphinxNative.IsAvailable(out var error)) return error;
        var o = new PocketsphinxOptions();
        return File.Exists(o.LanguageModel) && Directory.Exists(o.AcousticModel) ? null
            : $"pocketsphinx models not found under {PocketsphinxOptions.DebianModelDirectory} (install pocketsphinx-en-us)";
    });

    public static string? Missing(Native needs)
    {
        var reasons = new List<string>();
        if (needs.HasFlag(Native.Espeak) && EspeakMissing.Value is { } e) reasons.Add(e);
        if (needs.HasFlag(Native.Pocketsphinx) && PocketsphinxMissing.Value is { } p) reasons.Add(p);
        return reasons.Count == 0 ? null : string.Join("; ", reasons);
    }

    public static void Require(Native needs)
    {
        if (Missing(needs) is { } reason) Assert.Fail($"CI=true and a native speech tool is missing: {reason}. List it in .ci/apt-runtime.txt.");
    }

    private static readonly ConcurrentDictionary<string, short[]> Spoken = new();

    /// <summary>espeak-ng speech for a text at 16 kHz, synthesised once per test run.</summary>
    public static short[] Say(string text, string voice = "en-us")
    {
        Require(Native.Espeak);
        return Spoken.GetOrAdd(voice + "|" + text, _ =>
        {
            var all = new List<short>();
            var synth = new EspeakSynthesizer();
            var e = synth.SynthesizeAsync(text, new Orchestrator.Speech.Synthesis.VoiceOptions { Voice = voice }).GetAsyncEnumerator();
            try { while (e.MoveNextAsync().AsTask().GetAwaiter().GetResult()) all.AddRange(e.Current); }
            finally { e.DisposeAsync().AsTask().GetAwaiter().GetResult(); }
            return all.ToArray();
        });
    }

    private static bool OnPath(string exe) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, exe)));
}

/// <summary>A fact that needs native tools: skipped locally when they are missing, never on CI.</summary>
public sealed class NativeTheoryAttribute : TheoryAttribute
{
    public NativeTheoryAttribute(Native needs)
    {
        if (!NativeTools.IsCi && NativeTools.Missing(needs) is { } reason) Skip = $"{reason} (CI=true turns this into a failure)";
    }
}

/// <summary>A theory version of <see cref="NativeFactAttribute"/>.</summary>
public sealed class NativeFactAttribute : FactAttribute
{
    public NativeFactAttribute(Native needs)
    {
        if (!NativeTools.IsCi && NativeTools.Missing(needs) is { } reason) Skip = $"{reason} (CI=true turns this into a failure)";
    }
}
