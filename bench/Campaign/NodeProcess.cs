using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace CampaignBench;

/// <summary>
/// The node as production runs it (<c>dotnet Orchestrator.Node.dll</c>, Production), on a SQLite file
/// that outlives the process, so a killed node can be started again on the same database.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    public const string ApiKey = "campaign-bench-key-0123456789abcdef";
    private Process _process = null!;
    private readonly Dictionary<string, string> _environment;
    private double _cpuOfEarlierRuns;

    public Uri BaseAddress { get; }
    public int Pid => _process.Id;

    private NodeProcess(Dictionary<string, string> environment, Uri baseAddress)
    {
        _environment = environment;
        BaseAddress = baseAddress;
    }

    public static string NodeDirectory
    {
        get
        {
            var root = AppContext.BaseDirectory;
            while (!File.Exists(Path.Combine(root, "Orchestrator.sln"))) root = Path.GetDirectoryName(root.TrimEnd('/'))!;
            var dir = Path.Combine(root, "src", "Node", "bin", "Release", "net10.0");
            return File.Exists(Path.Combine(dir, "Orchestrator.Node.dll"))
                ? dir : throw new InvalidOperationException($"Build the node first: dotnet build src/Node -c Release (no {dir})");
        }
    }

    public static async Task<NodeProcess> StartAsync(string databasePath)
    {
        var port = FreeTcpPort();
        var node = new NodeProcess(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["Orchestrator__Storage__Provider"] = "sqlite",
            ["Orchestrator__Storage__ConnectionString"] = $"Data Source={databasePath}",
            ["Orchestrator__ApiKeys__0"] = ApiKey,
            ["Orchestrator__SeedDemo"] = "false",
            ["Orchestrator__Webhooks__SenderEnabled"] = "false",
            ["Logging__LogLevel__Default"] = "Warning",
        }, new Uri($"http://127.0.0.1:{port}"));
        await node.LaunchAsync();
        return node;
    }

    private async Task LaunchAsync()
    {
        var info = new ProcessStartInfo("dotnet", "Orchestrator.Node.dll")
        {
            WorkingDirectory = NodeDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var (k, v) in _environment) info.Environment[k] = v;
        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) Console.Error.WriteLine("  node: " + line); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < 240; i++)
        {
            try
            {
                if ((await http.GetAsync("/readyz")).IsSuccessStatusCode) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
            await Task.Delay(250);
        }
        throw new TimeoutException("The node did not become ready in 60 s");
    }

    /// <summary>SIGKILL, then the same node again on the same database.</summary>
    public async Task KillAndRestartAsync()
    {
        _cpuOfEarlierRuns += CpuSeconds(_process.Id);
        _process.Kill();
        await _process.WaitForExitAsync();
        await LaunchAsync();
    }

    /// <summary>User + system CPU of the node process(es) so far.</summary>
    public double CpuSeconds() => _cpuOfEarlierRuns + CpuSeconds(_process.Id);

    public static double CpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (IOException) { return 0; }
    }

    public HttpClient Client() => new()
    {
        BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(5),
        DefaultRequestHeaders = { Authorization = new("Bearer", ApiKey) },
    };

    private static int FreeTcpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        return ((System.Net.IPEndPoint)socket.LocalEndPoint!).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) { _process.Kill(); await _process.WaitForExitAsync(); }
        _process.Dispose();
    }
}
