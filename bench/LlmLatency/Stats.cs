namespace LlmLatency;

/// <summary>Percentiles of a sample (nearest rank).</summary>
public static class Stats
{
    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

    /// <summary>"p50 / p95 / p99 / max" of <paramref name="values"/>, in ms.</summary>
    public static string Summary(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0) return "no samples";
        return string.Join(" / ", new[] { 50, 95, 99 }.Select(p => Percentile(sorted, p).ToString("F1")).Append(sorted[^1].ToString("F1")));
    }

    public static double LoadAverage()
    {
        try { return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture); }
        catch (IOException) { return double.NaN; }
    }
}
