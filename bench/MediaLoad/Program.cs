using System.Globalization;
using System.Runtime;
using MediaLoad;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
Options o;
try { o = Options.Parse(args); }
catch (ArgumentException ex) { Console.Error.WriteLine(ex.Message); return 2; }

ThreadPool.GetMinThreads(out var minWorkers, out var minIo);
ThreadPool.SetMinThreads(Math.Max(minWorkers, 32), Math.Max(minIo, 32));

var caller = CallerLoop(o.AudioDir);
if (o.ClientWorker is not null) return await Density.ClientWorkerAsync(o, caller);

Console.WriteLine($"MediaLoad: {Environment.ProcessorCount} cores, server GC {GCSettings.IsServerGC}, .NET {Environment.Version}; " +
                  $"load average at start: {(File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "?")}");
var reply = RecordedAudio.Speak("Our restaurant is open from noon until eleven in the evening, every day of the week.", "en-us", o.AudioDir);

var densities = new List<DensityResult>();
if (!o.TurnsOnly)
{
    foreach (int n in o.CallCounts)
    {
        Console.WriteLine($"== media density: {n} calls, PCMU over SRTP both ways, loopback");
        densities.Add(await Density.RunAsync(o with { Calls = n }, AudioLoop(reply)));
        await Task.Delay(1000);
    }
}
TurnResult? turns = null;
if (!o.DensityOnly && o.Turns > 0)
{
    Console.WriteLine($"== server-added turn latency: {o.Turns} turns on {o.TurnCalls} call(s), real WebCallSession, instant fake engines");
    turns = await TurnLatency.RunAsync(o, reply);
}
Report.Print(o, densities, turns);
return 0;

// The caller: two spoken sentences, each followed by a pause long enough to end a turn.
static short[] CallerLoop(string dir) => AudioLoop(
    RecordedAudio.Speak("Hello, I would like to book a table for two people tomorrow evening.", "en-us+f2", dir),
    RecordedAudio.Speak("Do you have anything near the window?", "en-us+f2", dir));

static short[] AudioLoop(params short[][] sentences)
{
    var random = new Random(3);
    var parts = new List<short[]>();
    foreach (var s in sentences)
    {
        parts.Add(s);
        parts.Add(RecordedAudio.Silence(1000));
    }
    var loop = RecordedAudio.Concat(parts.ToArray());
    // A microphone's noise bed (about −60 dBFS) under everything; whole 20 ms frames.
    Array.Resize(ref loop, (loop.Length + 319) / 320 * 320);
    for (int i = 0; i < loop.Length; i++) loop[i] = (short)Math.Clamp(loop[i] + (int)(random.NextDouble() * 60 - 30), short.MinValue, short.MaxValue);
    return loop;
}

internal sealed record Options
{
    public int Calls { get; init; } = 200;
    public int[] CallCounts { get; init; } = [200];
    public int DurationSeconds { get; init; } = 20;
    public int WarmupSeconds { get; init; } = 3;
    public int ConnectConcurrency { get; init; } = 20;
    public int Turns { get; init; } = 30;
    public int TurnCalls { get; init; } = 1;
    public int EndSilenceMs { get; init; } = 600;
    public bool DensityOnly { get; init; }
    public bool TurnsOnly { get; init; }
    public string AudioDir { get; init; } = Path.Combine(Path.GetTempPath(), "mediaload-audio");
    public string? ClientWorker { get; init; }

    public static Options Parse(string[] args)
    {
        var o = new Options();
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            o = args[i] switch
            {
                "--calls" => o with { CallCounts = Next().Split(',').Select(int.Parse).ToArray() },
                "--duration" => o with { DurationSeconds = int.Parse(Next()) },
                "--warmup" => o with { WarmupSeconds = int.Parse(Next()) },
                "--connect-concurrency" => o with { ConnectConcurrency = int.Parse(Next()) },
                "--turns" => o with { Turns = int.Parse(Next()) },
                "--turn-calls" => o with { TurnCalls = int.Parse(Next()) },
                "--end-silence" => o with { EndSilenceMs = int.Parse(Next()) },
                "--density-only" => o with { DensityOnly = true },
                "--turns-only" => o with { TurnsOnly = true },
                "--audio-dir" => o with { AudioDir = Next() },
                "--client-worker" => o with { ClientWorker = Next() },
                _ => throw new ArgumentException($"unknown option {args[i]}; options: --calls N[,N…] --duration S --warmup S " +
                                                 "--connect-concurrency C --turns K --turn-calls C --end-silence MS --density-only --turns-only"),
            };
        }
        if (o.CallCounts.Any(n => n < 1 || n > 2000)) throw new ArgumentException("--calls must be 1..2000");
        return o;
    }
}
