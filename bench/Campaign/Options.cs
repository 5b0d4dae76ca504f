using System.Globalization;

namespace CampaignBench;

/// <summary>Command-line options; every one has a default that is the benchmark.</summary>
public sealed record Options
{
    public int Calls { get; init; } = 10_000;
    public int Concurrency { get; init; } = 500;
    public int Cps { get; init; } = 200;
    /// <summary>How long the callee holds each answered call before it hangs up.</summary>
    public int HoldMs { get; init; } = 2000;
    /// <summary>Kill the node (SIGKILL) once this share of the calls is finished, then start it again; 0: never.</summary>
    public double KillAt { get; init; }
    /// <summary>Queued calls for the pick-latency probe (a separate, disabled agent's: never dialled); 0 skips it.</summary>
    public int QueueProbe { get; init; } = 100_000;
    public int TimeoutSeconds { get; init; } = 900;

    public static Options Parse(string[] args)
    {
        var o = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            o = args[i] switch
            {
                "--calls" => o with { Calls = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--concurrency" => o with { Concurrency = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--cps" => o with { Cps = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--hold-ms" => o with { HoldMs = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--kill-at" => o with { KillAt = double.Parse(Next(), CultureInfo.InvariantCulture) },
                "--queue-probe" => o with { QueueProbe = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--timeout" => o with { TimeoutSeconds = int.Parse(Next(), CultureInfo.InvariantCulture) },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }
        return o;
    }

    /// <summary>The fastest the campaign can finish: calls at min(CPS, concurrency ÷ hold) per second.</summary>
    public double IdealSeconds => Calls / Math.Min(Cps, Concurrency / (HoldMs / 1000.0));
}
