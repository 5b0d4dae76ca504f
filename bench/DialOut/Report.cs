namespace DialOut;

public static class Report
{
    public static void Print(Options o, List<StepResult> sipp, Dictionary<string, List<StepResult>> ours, Sipp uas)
    {
        Console.WriteLine();
        Console.WriteLine($"== results: {o.Duration} s per step, hold {o.HoldMs} ms, same SIPp uas (127.0.0.1:{uas.Port}); load average now {Machine.LoadAverage()}");
        Console.WriteLine("| caller | target cps | started / planned | achieved cps | ok | failed | setup p50 / p99 / max (ms) | caller CPU (% of 1 core) | uas CPU | pacer late max (ms) | start cost (µs) | alloc/call (KB) | GCs 0/1/2 | max concurrent | load avg | sustained |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|");
        foreach (var r in sipp.Concat(ours.Values.SelectMany(v => v)))
        {
            Console.WriteLine($"| {r.Caller} | {r.TargetRate} | {r.Started} / {r.Planned} | {r.SetupsPerSecond:F0} | {r.Succeeded} | {r.Failed} | " +
                              $"{r.SetupP50Ms:F1} / {r.SetupP99Ms:F1} / {r.SetupMaxMs:F1} | {r.CallerCpu:F0} | {r.UasCpu:F0} | {F(r.PacerLateMaxMs)} | " +
                              $"{F(r.StartCostUs, "F0")} | {F(r.AllocKbPerCall)} | {r.Gcs} | {(r.MaxConcurrent > 0 ? r.MaxConcurrent : "")} | {r.Load} | {(r.Sustained ? "**yes**" : "no")} |");
        }
        foreach (var r in sipp.Concat(ours.Values.SelectMany(v => v)).Where(r => r.Failures.Length > 0))
            Console.WriteLine($"  {r.Caller} {r.TargetRate} cps failures: {r.Failures}");

        Console.WriteLine();
        double sippMax = Max(sipp);
        bool sippCeiling = sipp.Count > 0 && !sipp[^1].Sustained;
        Console.WriteLine($"SIPp uac max sustained: {sippMax:F0} cps{(sippCeiling ? "" : " (highest rate tried; not a ceiling)")}");
        foreach (var (mode, steps) in ours)
        {
            double max = Max(steps);
            var best = steps.LastOrDefault(s => s.Sustained);
            bool ceiling = steps.Count > 0 && !steps[^1].Sustained;
            double ratio = sippMax > 0 ? max / sippMax : double.NaN;
            Console.WriteLine($"ours ({mode}) max sustained: {max:F0} cps{(ceiling ? "" : " (highest rate tried; not a ceiling)")}, " +
                              $"CPU at that rate {best?.CallerCpu ?? double.NaN:F0}% of one core; ratio to SIPp {ratio:F2}");
            Console.WriteLine($"  goal ≥ 200 cps: {(max >= 200 ? "MET" : "MISSED")}; goal ≥ 0.5 × SIPp: {(ratio >= 0.5 ? "MET" : "MISSED")}" +
                              (sippCeiling ? "" : " (SIPp's figure is a lower bound, so the ratio is an upper bound)"));
        }
    }

    private static double Max(List<StepResult> steps) => steps.Where(s => s.Sustained).Select(s => (double)s.TargetRate).DefaultIfEmpty(0).Max();

    private static string F(double v, string format = "F1") => double.IsNaN(v) ? "" : v.ToString(format, System.Globalization.CultureInfo.InvariantCulture);
}
