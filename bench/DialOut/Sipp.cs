using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace DialOut;

/// <summary>The SIPp processes: one long-lived uas, and one uac run per rate step. Loopback only.</summary>
public sealed class Sipp : IAsyncDisposable
{
    private readonly Process _process;

    private Sipp(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }
    public int Pid => _process.Id;
    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);
    public bool HasExited => _process.HasExited;

    /// <summary>
    /// <c>sipp -sn uas</c>: answers each INVITE with 180 then 200 at once, BYE with 200. Unlimited
    /// calls (<c>-m 0</c> is the default: no limit), large socket buffers, more messages per event
    /// loop, and a global timeout so it can never outlive the benchmark.
    /// </summary>
    public static async Task<Sipp> StartUasAsync(string work, Options o)
    {
        int port = FreeUdpPort();
        int mediaPort = FreeUdpPort();
        // Bound: every step at its longest, plus slack.
        int bound = (o.SippRates.Length + o.UaRates.Length * o.Modes.Length) * (o.Duration + o.SetupTimeoutSeconds + 20) + 120;
        var info = new ProcessStartInfo("sipp",
            $"-sn uas -i 127.0.0.1 -p {port} -mi 127.0.0.1 -mp {mediaPort} -nostdin -buff_size 8388608 -max_socket 50000 " +
            $"-max_recv_loops 10000 -max_sched_loops 10000 -timeout {bound}s -trace_err -error_file {work}/uas-errors.log")
        {
            WorkingDirectory = work,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var sipp = new Sipp(process, port);
        await WaitListeningAsync(process, port);
        return sipp;
    }

    /// <summary>
    /// SIPp's own UAC at <paramref name="rate"/> cps for the step's duration: INVITE → 180 → 200 →
    /// ACK, hold, BYE → 200; statistics from its -trace_stat csv, setup times (INVITE → 200, its
    /// response time 1, whole ms) from -trace_rtt.
    /// </summary>
    public static async Task<StepResult> RunUacAsync(Sipp uas, string work, int rate, Options o)
    {
        long planned = (long)rate * o.Duration;
        string dir = Directory.CreateDirectory(Path.Combine(work, $"uac-{rate}")).FullName;
        int port = FreeUdpPort();
        string load = Machine.LoadAverage();
        var info = new ProcessStartInfo("sipp",
            $"-sn uac 127.0.0.1:{uas.Port} -i 127.0.0.1 -p {port} -r {rate} -d {o.HoldMs} -m {planned} -l {Math.Min(rate * 10, 15000)} " +
            $"-nostdin -buff_size 8388608 -max_recv_loops 10000 -max_sched_loops 10000 -recv_timeout {o.SetupTimeoutSeconds * 1000} " +
            $"-timeout {o.Duration + o.SetupTimeoutSeconds + 20}s -trace_stat -stf {dir}/stat.csv -fd 1 -trace_rtt -rtt_freq 1 " +
            $"-trace_err -error_file {dir}/errors.log")
        {
            WorkingDirectory = dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var uasCpu0 = Machine.ProcessCpuSeconds(uas.Pid);
        var wall = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        double cpu = 0;
        // Sample its CPU while it runs (after exit /proc/<pid> is gone).
        while (!process.HasExited)
        {
            cpu = Math.Max(cpu, Machine.ProcessCpuSeconds(process.Id));
            await Task.Delay(200);
        }
        await process.WaitForExitAsync();
        double seconds = wall.Elapsed.TotalSeconds;
        var uasCpu = Machine.ProcessCpuSeconds(uas.Pid) - uasCpu0;

        var stat = ReadLastStat(Path.Combine(dir, "stat.csv"));
        long outgoing = stat.GetValueOrDefault("OutgoingCall(C)");
        long ok = stat.GetValueOrDefault("SuccessfulCall(C)");
        long failed = stat.GetValueOrDefault("FailedCall(C)");
        if (process.ExitCode != 0 && failed == 0 && ok < planned) failed = planned - ok;

        var (dates, rtts) = ReadRtt(dir);
        double span = dates.Count > 1 ? (dates[^1] - dates[0]) / 1000.0 : 0;
        rtts.Sort();
        return new StepResult
        {
            Caller = "SIPp uac",
            TargetRate = rate,
            Planned = planned,
            Started = outgoing,
            Succeeded = ok,
            Failed = failed,
            StartSpan = span,
            SetupP50Ms = Stats.Percentile(rtts, 0.50),
            SetupP99Ms = Stats.Percentile(rtts, 0.99),
            SetupMaxMs = rtts.Count > 0 ? rtts[^1] : double.NaN,
            CallerCpu = cpu / seconds * 100,
            UasCpu = uasCpu / seconds * 100,
            Failures = failed > 0 || process.ExitCode != 0 ? $"exit {process.ExitCode}; {FirstLine(Path.Combine(dir, "errors.log"))}" : "",
            Load = load,
        };
    }

    private static Dictionary<string, long> ReadLastStat(string path)
    {
        var result = new Dictionary<string, long>();
        if (!File.Exists(path)) return result;
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        if (lines.Length < 2) return result;
        var names = lines[0].Split(';');
        var values = lines[^1].Split(';');
        for (int i = 0; i < names.Length && i < values.Length; i++)
            if (long.TryParse(values[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out long v)) result[names[i]] = v;
        return result;
    }

    private static (List<double> Dates, List<double> Rtts) ReadRtt(string dir)
    {
        var dates = new List<double>();
        var rtts = new List<double>();
        foreach (var file in Directory.GetFiles(dir, "*_rtt.csv"))
        {
            foreach (var line in File.ReadLines(file).Skip(1))
            {
                var f = line.Split(';');
                if (f.Length >= 2 && double.TryParse(f[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double d)
                    && double.TryParse(f[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double r))
                {
                    dates.Add(d);
                    rtts.Add(r);
                }
            }
        }
        dates.Sort();
        return (dates, rtts);
    }

    private static string FirstLine(string path)
    {
        if (!File.Exists(path)) return "";
        var line = File.ReadLines(path).FirstOrDefault(l => l.Trim().Length > 0) ?? "";
        return line.Length > 160 ? line[..160] : line;
    }

    public static int FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private static async Task WaitListeningAsync(Process process, int port)
    {
        string needle = ":" + port.ToString("X4", CultureInfo.InvariantCulture) + " ";
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"sipp exited {process.ExitCode}");
            if (File.ReadLines("/proc/net/udp").Skip(1).Any(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries) is { Length: > 1 } f && (f[1] + " ").EndsWith(needle, StringComparison.Ordinal)))
                return;
            await Task.Delay(20);
        }
        throw new TimeoutException("sipp did not start listening");
    }

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

public static class Machine
{
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    /// <summary>utime + stime of a process from /proc/&lt;pid&gt;/stat, in seconds (0 when gone).</summary>
    public static double ProcessCpuSeconds(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            // fields[0] is the state (field 3); utime is field 14, stime 15.
            long ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return ticks / 100.0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return 0;
        }
    }
}

public static class Stats
{
    public static double Percentile(List<double> sorted, double p)
    {
        if (sorted.Count == 0) return double.NaN;
        int index = (int)Math.Ceiling(p * sorted.Count) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Count - 1)];
    }
}
