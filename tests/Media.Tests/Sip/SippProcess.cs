using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Orchestrator.Media.Tests.Sip;

/// <summary>
/// Runs one SIPp instance on 127.0.0.1 with a free SIP port and media port, for one call, bounded
/// by SIPp's own global timeout and killed on dispose.
/// </summary>
public sealed class SippProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SippProcess(Process process, int port, int mediaPort, string workDir)
    {
        _process = process;
        Port = port;
        MediaPort = mediaPort;
        WorkDir = workDir;
    }

    public int Port { get; }
    public int MediaPort { get; }
    public string WorkDir { get; }
    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);
    public string Output { get { lock (_output) return _output.ToString(); } }

    public static string ScenarioPath(string name) => Path.Combine(AppContext.BaseDirectory, "Sip", "Scenarios", name);

    /// <summary>Starts <c>sipp</c> with either <c>-sn uas</c> or <c>-sf scenario.xml</c> and waits until it listens.</summary>
    public static async Task<SippProcess> StartAsync(string scenario, string? workDir = null, string extra = "", string transport = "u1", int? port = null)
    {
        workDir ??= Directory.CreateTempSubdirectory("sipp").FullName;
        port ??= FreePort(transport == "t1" ? SocketType.Stream : SocketType.Dgram);
        int mediaPort = FreeMediaPort();
        string scenarioArgs = scenario.EndsWith(".xml", StringComparison.Ordinal) ? $"-sf {ScenarioPath(scenario)}" : $"-sn {scenario}";
        var info = new ProcessStartInfo("sipp",
            $"{scenarioArgs} -i 127.0.0.1 -p {port} -t {transport} -mi 127.0.0.1 -mp {mediaPort} -m 1 -nostdin -timeout 30s -timeout_error -trace_err -error_file {workDir}/errors.log {extra}")
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(info)!;
        var sipp = new SippProcess(process, port.Value, mediaPort, workDir);
        process.OutputDataReceived += (_, e) => { lock (sipp._output) if (sipp._output.Length < 200_000) sipp._output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (sipp._output) sipp._output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await sipp.WaitListeningAsync(transport == "t1" ? "/proc/net/tcp" : "/proc/net/udp");
        return sipp;
    }

    /// <summary>Waits for SIPp to finish its one call; returns its exit code (0 = the call succeeded).</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            return -999;
        }
        return _process.ExitCode;
    }

    /// <summary>Waits for SIPp to finish and fails with its last screen and its error log unless every call succeeded:
    /// a peer that is still waiting or counted a failure says which message it wanted.</summary>
    public async Task AssertSucceededAsync(TimeSpan timeout)
    {
        int code = await WaitForExitAsync(timeout);
        if (code == 0) return;
        string output = Output;
        string reason = code == -999 ? $"sipp was still running after {timeout.TotalSeconds:F0} s" : $"sipp exited with {code}";
        Assert.Fail($"{reason}\n--- screen ---\n{output[^Math.Min(6000, output.Length)..]}\n--- errors ---\n{Errors}");
    }

    public string Errors => File.Exists(Path.Combine(WorkDir, "errors.log")) ? File.ReadAllText(Path.Combine(WorkDir, "errors.log")) : "";

    private async Task WaitListeningAsync(string table)
    {
        string needle = ":" + Port.ToString("X4", CultureInfo.InvariantCulture) + " ";
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"sipp exited {_process.ExitCode}: {Output}");
            if (File.ReadLines(table).Skip(1).Any(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries) is { Length: > 1 } f && (f[1] + " ").EndsWith(needle, StringComparison.Ordinal)))
                return;
            await Task.Delay(20);
        }
        throw new TimeoutException("sipp did not start listening: " + Output);
    }

    /// <summary>A free UDP port, for tests that must know SIPp's port before starting it.</summary>
    public static int NextPortHint => FreePort(SocketType.Dgram);

    private static int FreePort(SocketType type)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, type, type == SocketType.Stream ? ProtocolType.Tcp : ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>SIPp uses the media port and the next few (RTCP, video): an even one with room, in 20000-39999.</summary>
    private static int FreeMediaPort() => FreeUdpPorts.EvenRange(20000, 10000, 4);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try { _process.Kill(); } catch (InvalidOperationException) { }
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
