using System.Globalization;

namespace DialOut;

public sealed record Options
{
    public int[] SippRates { get; init; } = [100, 200, 400, 800, 1600, 3200, 6400, 12800];
    public int[] UaRates { get; init; } = [100, 200, 300, 400, 600, 800, 1000];
    public string[] Modes { get; init; } = ["media", "nomedia"];
    public int Duration { get; init; } = 30;
    public int HoldMs { get; init; } = 1000;
    public int SetupTimeoutSeconds { get; init; } = 10;
    public int PauseSeconds { get; init; } = 3;
    public bool SippOnly { get; init; }
    public bool UaOnly { get; init; }

    public static Options Parse(string[] args)
    {
        var o = new Options();
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            static int[] Ints(string s) => s.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToArray();
            o = args[i] switch
            {
                "--sipp-rates" => o with { SippRates = Ints(Next()) },
                "--ua-rates" => o with { UaRates = Ints(Next()) },
                "--modes" => o with { Modes = Next().Split(',', StringSplitOptions.RemoveEmptyEntries) },
                "--duration" => o with { Duration = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--hold" => o with { HoldMs = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--setup-timeout" => o with { SetupTimeoutSeconds = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--pause" => o with { PauseSeconds = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--sipp-only" => o with { SippOnly = true },
                "--ua-only" => o with { UaOnly = true },
                _ => throw new ArgumentException(
                    $"unknown option {args[i]}; options: --sipp-rates R,R… --ua-rates R,R… --modes media,nomedia --duration S --hold MS " +
                    "--setup-timeout S --pause S --sipp-only --ua-only"),
            };
        }
        if (o.Modes.Any(m => m is not ("media" or "nomedia"))) throw new ArgumentException("--modes takes media and/or nomedia");
        if (o.Duration is < 1 or > 120) throw new ArgumentException("--duration must be 1..120 s");
        if (o.SippRates.Concat(o.UaRates).Any(r => r is < 1 or > 20000)) throw new ArgumentException("rates must be 1..20000 cps");
        return o;
    }
}

/// <summary>One rate step of either caller.</summary>
public sealed record StepResult
{
    public required string Caller { get; init; }
    public required int TargetRate { get; init; }
    public long Planned { get; init; }
    public long Started { get; init; }
    public long Succeeded { get; init; }
    public long Failed { get; init; }
    /// <summary>Seconds from the first to the last call start.</summary>
    public double StartSpan { get; init; }
    public double SetupP50Ms { get; init; } = double.NaN;
    public double SetupP99Ms { get; init; } = double.NaN;
    public double SetupMaxMs { get; init; } = double.NaN;
    /// <summary>CPU of the calling process, % of one core, over the step.</summary>
    public double CallerCpu { get; init; } = double.NaN;
    public double UasCpu { get; init; } = double.NaN;
    public double PacerLateMaxMs { get; init; } = double.NaN;
    public double StartCostUs { get; init; } = double.NaN;
    public double AllocKbPerCall { get; init; } = double.NaN;
    public string Gcs { get; init; } = "";
    public int MaxConcurrent { get; init; }
    public int Threads { get; init; }
    public string Failures { get; init; } = "";
    public string Load { get; init; } = "";

    /// <summary>Achieved start rate × the share of calls that succeeded.</summary>
    public double SetupsPerSecond => Started > 1 && StartSpan > 0 ? (Started - 1.0) / StartSpan * Succeeded / Started : 0;

    /// <summary>Every planned call started on time (the last within 1 s of its slot) and none failed.</summary>
    public bool Sustained => Failed == 0 && Started == Planned && Succeeded == Planned && StartSpan <= (Planned - 1.0) / TargetRate + 1.0;

    public string Line() =>
        $"{Caller,-14} {TargetRate,5} cps: started {Started}/{Planned} in {StartSpan:F1} s, ok {Succeeded}, failed {Failed}, " +
        $"setup p50/p99/max {SetupP50Ms:F1}/{SetupP99Ms:F1}/{SetupMaxMs:F1} ms, cpu {CallerCpu:F0}% (uas {UasCpu:F0}%), " +
        $"{(Sustained ? "SUSTAINED" : "not sustained")}{(Failures.Length > 0 ? " — " + Failures : "")}";
}
