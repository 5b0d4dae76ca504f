using System.Globalization;

namespace ChatLoad;

/// <summary>Command-line options of the load generator (see bench/README.md).</summary>
public sealed class Options
{
    public int Conversations { get; set; } = 10_000;
    public double Rate { get; set; } = 2_000;
    public double DurationSeconds { get; set; } = 20;
    public double WarmupSeconds { get; set; } = 5;
    public bool EchoOnly { get; set; }
    public bool NodeOnly { get; set; }
    /// <summary>Connections being opened at the same time.</summary>
    public int ConnectConcurrency { get; set; } = 500;
    /// <summary>A turn with no assistant text after this long counts as timed out.</summary>
    public double TurnTimeoutSeconds { get; set; } = 10;
    /// <summary>Closed-loop seconds after the paced run (each conversation re-sends on every answer); 0 skips.</summary>
    public double SaturationSeconds { get; set; } = 10;
    public string Message { get; set; } = "What are your opening hours?";
    /// <summary>A PostgreSQL server's connection string: the node gets a fresh database on it instead of a SQLite file.</summary>
    public string? Postgres { get; set; }

    // Internal: this process is the client worker spawned by the main run.
    public bool ClientWorker { get; set; }
    public string? Uri { get; set; }
    public string Mode { get; set; } = "node";

    public static Options Parse(string[] args)
    {
        var o = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            double Num() => double.Parse(Next(), CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--conversations" or "-n": o.Conversations = (int)Num(); break;
                case "--rate" or "-r": o.Rate = Num(); break;
                case "--duration" or "-d": o.DurationSeconds = Num(); break;
                case "--warmup" or "-w": o.WarmupSeconds = Num(); break;
                case "--echo-only": o.EchoOnly = true; break;
                case "--node-only": o.NodeOnly = true; break;
                case "--connect-concurrency": o.ConnectConcurrency = (int)Num(); break;
                case "--turn-timeout": o.TurnTimeoutSeconds = Num(); break;
                case "--message": o.Message = Next(); break;
                case "--saturation": o.SaturationSeconds = Num(); break;
                case "--postgres": o.Postgres = Next(); break;
                case "--client-worker": o.ClientWorker = true; break;
                case "--uri": o.Uri = Next(); break;
                case "--mode": o.Mode = Next(); break;
                case "--help" or "-h":
                    Console.WriteLine("""
                        ChatLoad: holds N chat conversations on an in-process node and drives turns through them,
                        after measuring a raw Kestrel WebSocket echo with the same client harness.
                          --conversations N   concurrent conversations (default 10000)
                          --rate R            target total turns/s (default 2000)
                          --duration S        measured seconds (default 20)
                          --warmup S          unmeasured seconds of load first (default 5)
                          --echo-only | --node-only
                          --connect-concurrency C  connects in flight (default 500)
                          --turn-timeout S    a turn without an answer after S s is an error (default 10)
                          --saturation S      closed-loop seconds after the paced run, for the ceiling (default 10; 0 skips)
                          --postgres CS       journal and stores on a fresh database of this PostgreSQL server (default: SQLite)
                          --message TEXT      the user turn (default: an opening-hours question)
                        """);
                    Environment.Exit(0);
                    break;
                default: throw new ArgumentException($"Unknown option {args[i]} (try --help)");
            }
        }
        if (o.Conversations < 1 || o.Conversations > 50_000) throw new ArgumentException("--conversations must be 1..50000");
        if (o.Rate <= 0 || o.Rate > 100_000) throw new ArgumentException("--rate must be in (0, 100000]");
        if (o.DurationSeconds <= 0 || o.DurationSeconds > 600) throw new ArgumentException("--duration must be in (0, 600]");
        if (o.WarmupSeconds < 0 || o.WarmupSeconds > 120) throw new ArgumentException("--warmup must be in [0, 120]");
        if (o.SaturationSeconds < 0 || o.SaturationSeconds > 120) throw new ArgumentException("--saturation must be in [0, 120]");
        if (o.EchoOnly && o.NodeOnly) throw new ArgumentException("--echo-only and --node-only exclude each other");
        return o;
    }

    public string[] WorkerArgs(string mode, Uri uri) =>
    [
        "--client-worker", "--mode", mode, "--uri", uri.ToString(),
        "--conversations", Conversations.ToString(CultureInfo.InvariantCulture),
        "--rate", Rate.ToString(CultureInfo.InvariantCulture),
        "--duration", DurationSeconds.ToString(CultureInfo.InvariantCulture),
        "--warmup", WarmupSeconds.ToString(CultureInfo.InvariantCulture),
        "--connect-concurrency", ConnectConcurrency.ToString(CultureInfo.InvariantCulture),
        "--turn-timeout", TurnTimeoutSeconds.ToString(CultureInfo.InvariantCulture),
        "--message", Message,
        "--saturation", SaturationSeconds.ToString(CultureInfo.InvariantCulture),
    ];
}
