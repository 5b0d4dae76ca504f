using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using Orchestrator.Node.Hosting;
using Orchestrator.Speech.Recognition.Pocketsphinx;
using Orchestrator.Speech.Synthesis.Espeak;

namespace Orchestrator.Node.Tests.Speech;

/// <summary>
/// Issue 14: scripts/run.sh installs .ci/apt-runtime.txt, so that list must hold the Debian package of
/// every native library the node's code P/Invokes (found by reflection, so a new [DllImport] or
/// [LibraryImport] is caught), every program it starts and every model file it reads, resolved on this
/// machine with dpkg -S. The .NET runtime's own native dependencies (ICU, OpenSSL) come with the SDK.
/// </summary>
public sealed class RuntimePackagesTests
{
    private static string Root()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Orchestrator.sln"))) root = Path.GetDirectoryName(root)!;
        return root;
    }

    private static HashSet<string> List(string file) =>
        File.ReadAllLines(Path.Combine(Root(), ".ci", file))
            .Select(l => l.Split('#')[0].Trim()).Where(l => l.Length > 0).ToHashSet();

    /// <summary>Library names of every P/Invoke in the node's own assemblies.</summary>
    public static IReadOnlySet<string> NativeLibraries()
    {
        var names = new HashSet<string>();
        foreach (var file in Directory.GetFiles(AppContext.BaseDirectory, "Orchestrator.*.dll").Where(f => !Path.GetFileName(f).Contains(".Tests")))
        {
            Type[] types;
            try { types = Assembly.LoadFrom(file).GetTypes(); }
            catch (ReflectionTypeLoadException e) { types = e.Types.Where(t => t is not null).ToArray()!; }
            foreach (var method in types.SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)))
                if (method.GetCustomAttribute<DllImportAttribute>() is { } import && !import.Value.StartsWith("libSystem.", StringComparison.Ordinal))
                    names.Add(import.Value);
        }
        return names;
    }

    private static string Run(string program, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output.Trim() : "";
    }

    /// <summary>The package owning a file, through every symlink (Debian's /lib is /usr/lib).</summary>
    private static string PackageOf(string path)
    {
        var real = Run("realpath", path);
        Assert.False(real.Length == 0, $"{path} does not exist on this machine");
        var owner = Run("dpkg", "-S " + real);
        Assert.False(owner.Length == 0, $"no Debian package owns {real}");
        return owner.Split(':')[0];
    }

    private static string LibraryPath(string soname)
    {
        var line = Run("ldconfig", "-p").Split('\n').FirstOrDefault(l => l.TrimStart().StartsWith(soname + " ", StringComparison.Ordinal));
        Assert.False(line is null, $"{soname} is not installed (ldconfig -p does not list it)");
        return line!.Split("=>")[1].Trim();
    }

    private static string ProgramPath(string program) => program.Contains('/') ? program
        : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists)
          ?? throw new Xunit.Sdk.XunitException($"{program} is not on PATH");

    [Fact]
    public void The_native_libraries_found_by_reflection_are_the_known_ones()
    {
        // Guards the reflection itself: if it found nothing, the coverage test below would pass vacuously.
        Assert.Superset(new HashSet<string> { "libpocketsphinx.so.3", "libsphinxbase.so.3", "libopus.so.0" }, new HashSet<string>(NativeLibraries()));
    }

    [Fact]
    public void Every_library_program_and_model_the_node_uses_comes_from_a_run_time_package()
    {
        var runtime = List("apt-runtime.txt");
        var needed = new List<(string What, string Package)>();
        foreach (var library in NativeLibraries()) needed.Add((library, PackageOf(LibraryPath(library))));
        foreach (var program in new[] { new EspeakOptions().Executable, new SpeechOptions().EspeakExecutable }.Distinct())
            needed.Add((program, PackageOf(ProgramPath(program))));
        var models = new PocketsphinxOptions();
        foreach (var model in new[] { Path.Combine(models.AcousticModel, "mdef"), models.LanguageModel, models.Dictionary })
            needed.Add((model, PackageOf(model)));

        var missing = needed.Where(n => !runtime.Contains(n.Package)).Select(n => $"{n.What} (package {n.Package})").ToList();
        Assert.True(missing.Count == 0, "add to .ci/apt-runtime.txt: " + string.Join(", ", missing));
        Assert.Contains(("libopus.so.0", "libopus0"), needed);
        Assert.Contains(("espeak-ng", "espeak-ng"), needed);
    }

    [Fact]
    public void The_test_only_list_holds_no_run_time_package_and_both_lists_name_real_packages()
    {
        var runtime = List("apt-runtime.txt");
        var test = List("apt-packages.txt");
        Assert.Empty(runtime.Intersect(test));
        foreach (var package in runtime.Concat(test))
            Assert.False(Run("apt-cache", "show --no-all-versions " + package).Length == 0, $"{package} is not a Debian package apt knows");
    }
}
