using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Orchestrator.Cluster.Tests.Infrastructure;

/// <summary>
/// One real node: <c>dotnet Orchestrator.Node.dll</c> as a child process with the environment and
/// arguments a test gives it, and nothing inherited that could choose its addresses for it. Its
/// output is kept (shown when a test fails) and read for the addresses it listens on.
/// </summary>
public sealed partial class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _listening = [];

    public string Name { get; }
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;
    public IReadOnlyList<string> ListeningOn { get { lock (_listening) return [.. _listening]; } }
    public string Output => string.Join('\n', _output);

    private NodeProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    /// <summary>The built node next to this test build (Release or Debug, as the tests were built).</summary>
    public static string NodeDirectory
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Orchestrator.sln"))) dir = dir.Parent;
            if (dir is null) throw new InvalidOperationException("Orchestrator.sln not found above " + AppContext.BaseDirectory);
#if DEBUG
            const string configuration = "Debug";
#else
            const string configuration = "Release";
#endif
            return Path.Combine(dir.FullName, "src", "Node", "bin", configuration, "net10.0");
        }
    }

    public static NodeProcess Start(string name, IReadOnlyDictionary<string, string> environment, IEnumerable<string>? args = null,
        string? workingDirectory = null)
    {
        var dll = Path.Combine(NodeDirectory, "Orchestrator.Node.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException("Build src/Node first", dll);
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory ?? NodeDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args ?? []) info.ArgumentList.Add(arg);
        // Nothing from the test runner's environment may pick the node's addresses or settings.
        foreach (var key in info.Environment.Keys.ToList())
            if (key.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase) || key.StartsWith("DOTNET_URLS", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("Orchestrator__", StringComparison.OrdinalIgnoreCase) || key.StartsWith("OTEL_", StringComparison.OrdinalIgnoreCase))
                info.Environment.Remove(key);
        info.Environment["DOTNET_gcServer"] = "0"; // many nodes share two cores
        foreach (var (k, v) in environment) info.Environment[k] = v;

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var node = new NodeProcess(name, process);
        process.OutputDataReceived += (_, e) => node.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => node.OnLine(e.Data);
        process.Exited += (_, _) => node._started.TrySetException(new InvalidOperationException(
            $"Node {name} exited with {SafeExitCode(process)} before it started:\n{node.Output}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return node;
    }

    private static string SafeExitCode(Process p) { try { return p.ExitCode.ToString(); } catch (InvalidOperationException) { return "?"; } }

    private void OnLine(string? line)
    {
        if (line is null) return;
        _output.Enqueue(line);
        var listening = ListeningLine().Match(line);
        if (listening.Success) lock (_listening) _listening.Add(listening.Groups[1].Value);
        if (line.Contains("Application started.")) _started.TrySetResult();
    }

    [GeneratedRegex(@"Now listening on: (\S+)")]
    private static partial Regex ListeningLine();

    /// <summary>Waits until the host has started (Kestrel listening), or fails with the node's output.</summary>
    public async Task WaitStartedAsync(TimeSpan? timeout = null)
    {
        var wait = timeout ?? TimeSpan.FromSeconds(60);
        if (await Task.WhenAny(_started.Task, Task.Delay(wait)) != _started.Task)
            throw new TimeoutException($"Node {Name} did not start within {wait}:\n{Output}");
        await _started.Task;
    }

    /// <summary>kill -9: no coordinated shutdown, no goodbye to the cluster.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: false);
    }

    /// <summary>SIGTERM, as Kubernetes and systemd stop a process: the node drains and leaves.</summary>
    public void Terminate()
    {
        if (!_process.HasExited && SysKill(_process.Id, 15) != 0)
            throw new InvalidOperationException($"kill -TERM {_process.Id} failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { throw new TimeoutException($"Node {Name} did not exit within {timeout}:\n{Output}"); }
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        try { await _process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token); }
        catch (OperationCanceledException) { }
        _process.Dispose();
    }
}
