using System.Diagnostics;
using System.Text.Json;

namespace ChatLoad;

public sealed class PhaseResult
{
    public string Mode = "";
    public ClientResult Client = new();
    public double WorkingSetPerConnKb, GcHeapPerConnKb;
    public long WorkingSetBefore, WorkingSetAfter, GcHeapBefore, GcHeapAfter;
    public ServerSampler.Stats Window = new(), Saturation = new();
    public double[] Journal = [], JournalSaturation = [];
}

/// <summary>One measured phase: spawn the client worker against <paramref name="uri"/>, measure this (server) process meanwhile.</summary>
public static class Phase
{
    public static async Task<PhaseResult> RunAsync(Options o, string mode, Uri uri, NodeUnderTest? node)
    {
        var r = new PhaseResult { Mode = mode };
        (r.WorkingSetBefore, r.GcHeapBefore) = Memory();

        var psi = new ProcessStartInfo { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        var self = Environment.ProcessPath!;
        psi.FileName = self;
        if (Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            psi.ArgumentList.Add(typeof(Phase).Assembly.Location);
        foreach (var a in o.WorkerArgs(mode, uri)) psi.ArgumentList.Add(a);
        using var worker = Process.Start(psi)!;

        var sampler = new ServerSampler();
        var probe = node is null ? null : new JournalProbe.Samples();
        Akka.Actor.IActorRef? probeActor = null;
        var marks = new Dictionary<string, long>();
        string? line;
        while ((line = await worker.StandardOutput.ReadLineAsync()) is not null)
        {
            if (line.StartsWith("OPENED ", StringComparison.Ordinal))
            {
                (r.WorkingSetAfter, r.GcHeapAfter) = Memory();
                var opened = JsonSerializer.Deserialize<ClientResult>(line[7..], ClientResult.Json)!;
                var held = Math.Max(1, opened.Held);
                r.WorkingSetPerConnKb = (r.WorkingSetAfter - r.WorkingSetBefore) / 1024.0 / held;
                r.GcHeapPerConnKb = (r.GcHeapAfter - r.GcHeapBefore) / 1024.0 / held;
                Console.WriteLine($"  {opened.Held} held; server memory +{r.WorkingSetPerConnKb:F1} KB working set, " +
                                  $"+{r.GcHeapPerConnKb:F1} KB GC heap per connection");
                sampler.Start();
                if (node is not null) probeActor = node.StartJournalProbe(probe!, TimeSpan.FromMilliseconds(20));
                await worker.StandardInput.WriteLineAsync("GO");
                await worker.StandardInput.FlushAsync();
            }
            else if (line.StartsWith("RESULT ", StringComparison.Ordinal))
            {
                r.Client = JsonSerializer.Deserialize<ClientResult>(line[7..], ClientResult.Json)!;
            }
            else
            {
                marks[line.Trim()] = Stopwatch.GetTimestamp();
                Console.WriteLine($"  {line.Trim()}");
            }
        }
        await worker.WaitForExitAsync();
        sampler.Stop();
        if (probeActor is not null) node!.System.Stop(probeActor);
        long M(string k) => marks.TryGetValue(k, out var v) ? v : 0;
        r.Window = sampler.Summarize(M("WINDOW-START"), M("WINDOW-END"));
        r.Saturation = sampler.Summarize(M("SAT-START"), M("SAT-END"));
        if (probe is not null)
        {
            r.Journal = probe.Between(M("WINDOW-START"), M("WINDOW-END"));
            r.JournalSaturation = probe.Between(M("SAT-START"), M("SAT-END"));
        }
        var c = r.Client;
        Console.WriteLine($"  {mode}: {c.TurnsPerSecond:F0} turns/s, p50 {c.P50Ms:F2} ms, p99 {c.P99Ms:F2} ms, max {c.MaxMs:F1} ms; " +
                          $"saturated {c.SaturationTurnsPerSecond:F0} turns/s; server CPU {r.Window.CpuPercent:F0}% of {Environment.ProcessorCount} cores");
        return r;
    }

    private static (long WorkingSet, long GcHeap) Memory()
    {
        for (var i = 0; i < 2; i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
        using var p = Process.GetCurrentProcess();
        return (p.WorkingSet64, GC.GetTotalMemory(false));
    }
}

/// <summary>Samples this process every 100 ms: CPU, GC, thread pool, memory.</summary>
public sealed class ServerSampler
{
    public sealed class Stats
    {
        public double Seconds, CpuPercent, GcPauseMsPerSec, MachineCpuPercent;
        public int Gen0, Gen1, Gen2, ThreadsMax;
        public double PoolQueueAvg, PoolQueueMax, WorkingSetMb;
    }

    private record struct Sample(long At, TimeSpan Cpu, int G0, int G1, int G2, TimeSpan Pause, long Queue, int Threads, long WorkingSet, long MachineBusy, long MachineTotal);

    private readonly List<Sample> _samples = [];
    private Timer? _timer;

    public void Start() => _timer = new Timer(_ => Take(), null, 0, 100);
    public void Stop() { _timer?.Dispose(); Take(); }

    private void Take()
    {
        using var p = Process.GetCurrentProcess();
        var (busy, total) = MachineCpu();
        var s = new Sample(Stopwatch.GetTimestamp(), p.TotalProcessorTime, GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2),
            GC.GetTotalPauseDuration(), ThreadPool.PendingWorkItemCount, ThreadPool.ThreadCount, p.WorkingSet64, busy, total);
        lock (_samples) _samples.Add(s);
    }

    /// <summary>/proc/stat jiffies: busy and total over all cores (both processes share them).</summary>
    private static (long Busy, long Total) MachineCpu()
    {
        try
        {
            var parts = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
            var idle = parts[3] + (parts.Length > 4 ? parts[4] : 0);
            var total = parts.Take(8).Sum();
            return (total - idle, total);
        }
        catch (Exception) { return (0, 0); }
    }

    public Stats Summarize(long from, long to)
    {
        List<Sample> w;
        lock (_samples) w = _samples.Where(s => s.At >= from && s.At <= to).ToList();
        if (from == 0 || to == 0 || w.Count < 2) return new Stats();
        var a = w[0]; var b = w[^1];
        var secs = (b.At - a.At) / (double)Stopwatch.Frequency;
        return new Stats
        {
            Seconds = secs,
            CpuPercent = (b.Cpu - a.Cpu).TotalSeconds / secs * 100,
            MachineCpuPercent = b.MachineTotal > a.MachineTotal ? 100.0 * (b.MachineBusy - a.MachineBusy) / (b.MachineTotal - a.MachineTotal) : 0,
            Gen0 = b.G0 - a.G0, Gen1 = b.G1 - a.G1, Gen2 = b.G2 - a.G2,
            GcPauseMsPerSec = (b.Pause - a.Pause).TotalMilliseconds / secs,
            PoolQueueAvg = w.Average(s => s.Queue), PoolQueueMax = w.Max(s => s.Queue),
            ThreadsMax = w.Max(s => s.Threads), WorkingSetMb = b.WorkingSet / 1048576.0,
        };
    }
}
