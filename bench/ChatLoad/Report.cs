using System.Text;

namespace ChatLoad;

/// <summary>The result table and the goals of issue 2.</summary>
public static class Report
{
    public static void Print(Options o, PhaseResult? echo, PhaseResult? node)
    {
        var rows = new List<(string Name, string Echo, string Node)>();
        void Row(string name, Func<PhaseResult, string> f) => rows.Add((name, echo is null ? "-" : f(echo), node is null ? "-" : f(node)));
        static string F(double v, string fmt = "F1") => double.IsNaN(v) ? "-" : v.ToString(fmt);
        static string P(double[] a, double p) => a.Length == 0 ? "-" : a[Math.Min(a.Length - 1, (int)Math.Ceiling(p * a.Length) - 1)].ToString("F2");

        Row("conversations held (of requested)", r => $"{r.Client.Held} / {r.Client.Attempted}");
        Row("  still open at end", r => $"{r.Client.HeldAtEnd}");
        Row("  open time (s)", r => F(r.Client.OpenSeconds));
        Row($"turns/s achieved (target {o.Rate:F0})", r => F(r.Client.TurnsPerSecond, "F0"));
        Row("turn latency p50 (ms)", r => F(r.Client.P50Ms, "F2"));
        Row("turn latency p90 (ms)", r => F(r.Client.P90Ms, "F2"));
        Row("turn latency p99 (ms)", r => F(r.Client.P99Ms, "F2"));
        Row("turn latency p99.9 (ms)", r => F(r.Client.P999Ms, "F2"));
        Row("turn latency max (ms)", r => F(r.Client.MaxMs, "F2"));
        Row("user echo p50 / p99 (ms)", r => r.Mode == "node" ? $"{F(r.Client.UserEchoP50Ms, "F2")} / {F(r.Client.UserEchoP99Ms, "F2")}" : "-");
        Row("errors: connect / error frames", r => $"{r.Client.ConnectFailures} / {r.Client.ErrorFrames}");
        Row("errors: closes / timeouts / not sent", r => $"{r.Client.UnexpectedCloses} / {r.Client.TurnsTimedOut} / {r.Client.TurnsNotSent}");
        Row("memory per conversation: working set (KB)", r => F(r.WorkingSetPerConnKb));
        Row("memory per conversation: GC heap (KB)", r => F(r.GcHeapPerConnKb));
        Row("server CPU, paced (% of 1 core)", r => F(r.Window.CpuPercent, "F0"));
        Row("client CPU, paced (% of 1 core)", r => F(r.Client.ClientCpuSecondsMeasured / Math.Max(0.001, r.Client.MeasuredSeconds) * 100, "F0"));
        Row("machine CPU busy, paced (% of all)", r => F(r.Window.MachineCpuPercent, "F0"));
        Row("server GCs gen0/1/2, paced", r => $"{r.Window.Gen0}/{r.Window.Gen1}/{r.Window.Gen2}");
        Row("server GC pause (ms per s), paced", r => F(r.Window.GcPauseMsPerSec, "F2"));
        Row("thread-pool queue avg / max, paced", r => $"{F(r.Window.PoolQueueAvg)} / {F(r.Window.PoolQueueMax, "F0")}");
        Row("journal probe persist p50/p99/max (ms)", r => r.Mode == "node" ? $"{P(r.Journal, .5)} / {P(r.Journal, .99)} / {(r.Journal.Length == 0 ? "-" : r.Journal[^1].ToString("F1"))}" : "-");
        Row("saturated turns/s (closed loop, N in flight)", r => F(r.Client.SaturationTurnsPerSecond, "F0"));
        Row("  server / machine CPU, saturated (%)", r => $"{F(r.Saturation.CpuPercent, "F0")} / {F(r.Saturation.MachineCpuPercent, "F0")}");
        Row("  journal probe p50/p99, saturated (ms)", r => r.Mode == "node" ? $"{P(r.JournalSaturation, .5)} / {P(r.JournalSaturation, .99)}" : "-");

        var w0 = Math.Max(rows.Max(r => r.Name.Length), 10);
        var w1 = Math.Max(rows.Max(r => r.Echo.Length), 10);
        var w2 = Math.Max(rows.Max(r => r.Node.Length), 10);
        var sb = new StringBuilder();
        sb.AppendLine();
        sb.AppendLine($"| {"metric".PadRight(w0)} | {"raw echo".PadLeft(w1)} | {"node".PadLeft(w2)} |");
        sb.AppendLine($"|{new string('-', w0 + 2)}|{new string('-', w1 + 1)}:|{new string('-', w2 + 1)}:|");
        foreach (var (n, e, v) in rows) sb.AppendLine($"| {n.PadRight(w0)} | {e.PadLeft(w1)} | {v.PadLeft(w2)} |");
        Console.Write(sb.ToString());

        if (echo is not null && node is not null)
        {
            var paced = node.Client.TurnsPerSecond / Math.Max(1e-9, echo.Client.TurnsPerSecond);
            var sat = echo.Client.SaturationTurnsPerSecond > 0
                ? node.Client.SaturationTurnsPerSecond / echo.Client.SaturationTurnsPerSecond : double.NaN;
            Console.WriteLine();
            Console.WriteLine($"throughput ratio node/echo: paced {paced:F2}, saturated {F(sat, "F3")}");
            Console.WriteLine();
            Console.WriteLine("Goals (issue 2):");
            Goal($"10,000 concurrent conversations held (requested {o.Conversations})", node.Client.Held >= 10_000 && node.Client.HeldAtEnd >= 10_000);
            Goal($"p99 < 25 ms at 2,000 turns/s (target {o.Rate:F0}, achieved {node.Client.TurnsPerSecond:F0}, p99 {node.Client.P99Ms:F1} ms)",
                o.Rate >= 2000 && node.Client.TurnsPerSecond >= 0.98 * 2000 && node.Client.P99Ms < 25);
            Goal($"throughput >= 0.25 of raw echo (saturated ratio {F(sat, "F3")})", sat >= 0.25);
        }
        else if (node is not null)
        {
            Console.WriteLine($"(node only: no echo ceiling measured)");
        }
    }

    private static void Goal(string what, bool met) => Console.WriteLine($"  [{(met ? "MET " : "MISS")}] {what}");
}
