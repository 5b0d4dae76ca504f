using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Runtime;
using System.Text;
using System.Text.Json;
using Orchestrator.Media.Dtls;
using Orchestrator.Media.WebRtc;
using Orchestrator.Speech.Vad;

namespace MediaLoad;

internal sealed record ClientSnapshot(long Sent, long Received, long SrtpFailures, long SendErrors, double CpuMs,
    double InterArrivalP50, double InterArrivalP99, double InterArrivalP999, double InterArrivalMax, long LateTicks, int Connected);

internal sealed record DensityResult(
    int Requested, int Connected, int Failed, double SetupP50, double SetupP99, double SetupMax, double ConnectAllSeconds,
    double WindowSeconds, double ServerCpuPctMachine, double ClientCpuPctMachine, double MachineCpuPct, double LoadAvg,
    double UpPps, double DownPps, long UpSent, long UpReceived, long DownSent, long DownReceived,
    double ServerFramesPerSec, long EndpointEvents, long JitterLost, long PacerSkipped, long SrtpFailures,
    double InterArrivalP50, double InterArrivalP99, double InterArrivalP999, double InterArrivalMax,
    int Gen0, int Gen1, int Gen2, double GcPauseMsPerSec, double WorkingSetMb, int Threads);

/// <summary>The server side of one call: a real WebRtcPeer (PCMU only), an Endpointer on its
/// 16 kHz frames, and recorded audio looped into SendAudio so the pacer always has something.</summary>
internal sealed class ServerCall(int id, WebRtcPeer peer)
{
    public int Id => id;
    public WebRtcPeer Peer => peer;
    public readonly Endpointer Endpointer = new();
    public readonly Stopwatch SinceOffer = Stopwatch.StartNew();
    public readonly TaskCompletionSource<double> Connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public long Frames, Events;
    public int Feed;
}

internal static class Density
{
    private static readonly JsonSerializerOptions Json = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private static ClientSnapshot Take(BlockingCollection<ClientSnapshot> snapshots) =>
        snapshots.TryTake(out var s, TimeSpan.FromSeconds(30)) ? s : throw new TimeoutException("the client process did not answer");

    public static async Task<DensityResult> RunAsync(Options o, short[] speechLoop)
    {
        // The server's certificate is shared per process, as the node does.
        var certificate = DtlsCertificate.Generate();
        var peerOptions = new WebRtcPeerOptions
        {
            BindAddress = IPAddress.Loopback, OfferOpus = false, Certificate = certificate,
            ConnectTimeout = TimeSpan.FromSeconds(30), RemoteFilter = ep => IPAddress.IsLoopback(ep.Address),
        };
        using var child = Worker.Spawn(o, "density");
        var stdin = child.StandardInput;
        var replies = new ConcurrentDictionary<int, TaskCompletionSource<string>>();
        var snapshots = new BlockingCollection<ClientSnapshot>();
        var reader = Task.Run(async () =>
        {
            string? line;
            while ((line = await child.StandardOutput.ReadLineAsync()) is not null)
            {
                var parts = line.Split(' ', 3);
                switch (parts[0])
                {
                    case "ANSWER": replies[int.Parse(parts[1])].TrySetResult(Encoding.UTF8.GetString(Convert.FromBase64String(parts[2]))); break;
                    case "FAILED": replies.GetOrAdd(int.Parse(parts[1]), _ => new()).TrySetException(new Exception(parts[2])); break;
                    case "SNAP": snapshots.Add(JsonSerializer.Deserialize<ClientSnapshot>(parts[1], Json)!); break;
                    default: Console.Error.WriteLine("client: " + line); break;
                }
            }
        });
        var writeGate = new SemaphoreSlim(1);
        async Task Tell(string line)
        {
            await writeGate.WaitAsync();
            try { await stdin.WriteLineAsync(line); await stdin.FlushAsync(); }
            finally { writeGate.Release(); }
        }

        var calls = new ConcurrentBag<ServerCall>();
        var setup = new ConcurrentBag<double>();
        int failed = 0;
        var connectAll = Stopwatch.StartNew();
        using var gate = new SemaphoreSlim(o.ConnectConcurrency);
        var opening = Enumerable.Range(0, o.Calls).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                var peer = new WebRtcPeer(peerOptions);
                var call = new ServerCall(i, peer);
                peer.Connected += _ => call.Connected.TrySetResult(call.SinceOffer.Elapsed.TotalMilliseconds);
                peer.Failed += r => { call.Connected.TrySetException(new Exception(r.Detail)); Console.Error.WriteLine($"call {i} failed: {r}"); };
                peer.AudioFrame += f =>
                {
                    // Frames come from the peer's one tick thread (the old build raised them from two); the lock also guards the window's reads.
                    lock (call)
                    {
                        if (f.Samples.Length != 320) return;
                        call.Frames++;
                        if (call.Endpointer.Process(f.Samples) is not null) call.Events++;
                    }
                };
                var reply = replies.GetOrAdd(i, _ => new());
                string offer = peer.CreateOffer();
                call.SinceOffer.Restart();
                await Tell($"OFFER {i} {Convert.ToBase64String(Encoding.UTF8.GetBytes(offer))}");
                var answer = peer.ApplyAnswer(await reply.Task.WaitAsync(TimeSpan.FromSeconds(30)));
                if (!answer.Accepted) throw new Exception("answer rejected: " + answer.Error);
                if (answer.Codec!.Name != "PCMU") throw new Exception("negotiated " + answer.Codec.Name);
                calls.Add(call);
                setup.Add(await call.Connected.Task.WaitAsync(TimeSpan.FromSeconds(40)));
            }
            catch (Exception e)
            {
                Interlocked.Increment(ref failed);
                Console.Error.WriteLine($"call {i}: {e.Message}");
            }
            finally { gate.Release(); }
        }).ToArray();
        await Task.WhenAll(opening);
        double connectSeconds = connectAll.Elapsed.TotalSeconds;
        var live = calls.Where(c => c.Connected.Task.IsCompletedSuccessfully).OrderBy(c => c.Id).ToArray();
        Console.WriteLine($"  {live.Length}/{o.Calls} calls connected in {connectSeconds:F1}s ({failed} failed)");

        // Recorded audio replaces TTS: keep 200–300 ms queued in every call.
        var feeding = new CancellationTokenSource();
        int chunk = 1600; // 100 ms at 16 kHz
        var feeder = new Thread(() =>
        {
            while (!feeding.IsCancellationRequested)
            {
                foreach (var c in live)
                {
                    while (c.Peer.PlaybackPendingSamples < 3200 + chunk)
                    {
                        int at = c.Feed;
                        int take = Math.Min(chunk, speechLoop.Length - at);
                        c.Peer.SendAudio(speechLoop.AsSpan(at, take));
                        c.Feed = (at + take) % speechLoop.Length;
                    }
                }
                Thread.Sleep(50);
            }
        }) { IsBackground = true, Name = "tts-feeder" };
        // Each call starts at a different place in the loop, so the VADs are not in lockstep.
        foreach (var c in live) c.Feed = (c.Id * 1600 * 7) % speechLoop.Length / 320 * 320;
        feeder.Start();

        Console.WriteLine($"  warm-up {o.WarmupSeconds}s, then {o.DurationSeconds}s measured…");
        await Task.Delay(TimeSpan.FromSeconds(o.WarmupSeconds));

        var me = Process.GetCurrentProcess();
        var s0 = Sample(me, child, live);
        await Tell("WINDOW");
        var c0 = Take(snapshots);
        var window = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(o.DurationSeconds));
        var s1 = Sample(me, child, live);
        await Tell("WINDOW");
        var c1 = Take(snapshots);
        double seconds = window.Elapsed.TotalSeconds;

        // Stop: the server stops talking first, then the client; totals for loss after both drained.
        feeding.Cancel();
        feeder.Join();
        foreach (var c in live) c.Peer.ClearPlayback();
        await Task.Delay(300);
        await Tell("STOP");
        var cEnd = Take(snapshots);
        await Task.Delay(300);
        var sEnd = Sample(me, child, live);
        await Tell("EXIT");
        await Task.WhenAll(live.Select(c => c.Peer.DisposeAsync().AsTask()));
        if (!child.WaitForExit(15000)) child.Kill();
        await reader;

        double cores = Environment.ProcessorCount;
        var setupSorted = setup.OrderBy(x => x).ToArray();
        return new DensityResult(
            o.Calls, live.Length, failed, Pct(setupSorted, 0.5), Pct(setupSorted, 0.99), setupSorted.LastOrDefault(), connectSeconds,
            seconds,
            (s1.CpuMs - s0.CpuMs) / (seconds * 1000 * cores) * 100,
            (c1.CpuMs - c0.CpuMs) / (seconds * 1000 * cores) * 100,
            MachineCpu(s0.Stat, s1.Stat), s1.LoadAvg,
            (s1.RtpReceived - s0.RtpReceived) / seconds, (c1.Received - c0.Received) / seconds,
            cEnd.Sent, sEnd.RtpReceived, sEnd.RtpSent, cEnd.Received,
            (s1.Frames - s0.Frames) / seconds, s1.Events - s0.Events, s1.JitterLost - s0.JitterLost, s1.PacerSkipped - s0.PacerSkipped,
            sEnd.SrtpFailures + cEnd.SrtpFailures,
            c1.InterArrivalP50, c1.InterArrivalP99, c1.InterArrivalP999, c1.InterArrivalMax,
            s1.Gen0 - s0.Gen0, s1.Gen1 - s0.Gen1, s1.Gen2 - s0.Gen2, (s1.PauseMs - s0.PauseMs) / seconds,
            me.WorkingSet64 / 1048576.0, me.Threads.Count);
    }

    private sealed record ServerSample(double CpuMs, long[] Stat, double LoadAvg, long RtpReceived, long RtpSent, long Frames, long Events,
        long JitterLost, long PacerSkipped, long SrtpFailures, int Gen0, int Gen1, int Gen2, double PauseMs);

    private static ServerSample Sample(Process me, Process child, ServerCall[] calls)
    {
        me.Refresh();
        long rx = 0, tx = 0, lost = 0, skipped = 0, srtp = 0, frames = 0, events = 0;
        foreach (var c in calls)
        {
            var s = c.Peer.Statistics;
            rx += s.RtpReceived; tx += s.RtpSent; lost += s.JitterLost; skipped += s.PacerSkippedFrames; srtp += s.SrtpFailures;
            lock (c) { frames += c.Frames; events += c.Events; }
        }
        return new(me.TotalProcessorTime.TotalMilliseconds, ReadStat(), LoadAverage(), rx, tx, frames, events, lost, skipped, srtp,
            GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration().TotalMilliseconds);
    }

    public static double LoadAverage() =>
        File.Exists("/proc/loadavg") ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0]) : double.NaN;

    private static long[] ReadStat()
    {
        if (!File.Exists("/proc/stat")) return [];
        return File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
    }

    private static double MachineCpu(long[] a, long[] b)
    {
        if (a.Length < 5) return double.NaN;
        long total = b.Sum() - a.Sum();
        long idle = (b[3] + b[4]) - (a[3] + a[4]);
        return total == 0 ? 0 : 100.0 * (total - idle) / total;
    }

    public static double Pct(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(sorted.Length * p) - 1, 0, sorted.Length - 1)];

    /// <summary>The child process: the browsers. Reads OFFER/WINDOW/STOP/EXIT from stdin.</summary>
    public static async Task<int> ClientWorkerAsync(Options o, short[] speechLoop)
    {
        var stdout = Console.Out;
        var writeGate = new object();
        void Say(string line) { lock (writeGate) { stdout.WriteLine(line); stdout.Flush(); } }
        var frames = RecordedAudio.ToPcmuFrames(speechLoop);
        using var engine = new ClientEngine();
        var calls = new ConcurrentBag<BrowserCall>();
        var histogram = new Histogram();
        var me = Process.GetCurrentProcess();
        var pending = new List<Task>();
        string? line;
        int windows = 0;
        while ((line = await Console.In.ReadLineAsync()) is not null)
        {
            var parts = line.Split(' ', 3);
            if (parts[0] == "OFFER")
            {
                int id = int.Parse(parts[1]);
                string offer = Encoding.UTF8.GetString(Convert.FromBase64String(parts[2]));
                pending.Add(Task.Run(async () =>
                {
                    var call = new BrowserCall { Id = id };
                    try
                    {
                        string answer = call.Answer(offer);
                        int at = (id * 13 % Math.Max(1, frames.Length));
                        call.NextFrame = () => { var f = frames[at]; at = (at + 1) % frames.Length; return (f, false); };
                        calls.Add(call);
                        engine.Add(call);
                        Say($"ANSWER {id} {Convert.ToBase64String(Encoding.UTF8.GetBytes(answer))}");
                        await call.ConnectAsync(TimeSpan.FromSeconds(30));
                    }
                    catch (Exception e) { Say($"FAILED {id} {e.Message.Replace('\n', ' ')}"); }
                }));
            }
            else if (parts[0] is "WINDOW" or "STOP")
            {
                if (parts[0] == "STOP") { engine.SendMedia = false; await Task.Delay(300); }
                // First WINDOW starts the inter-arrival histogram; the second reads it.
                if (parts[0] == "WINDOW" && windows++ == 0) BrowserCall.InterArrival = histogram;
                else BrowserCall.InterArrival = null;
                me.Refresh();
                var all = calls.ToArray();
                var snap = new ClientSnapshot(all.Sum(c => Interlocked.Read(ref c.Sent)), all.Sum(c => Interlocked.Read(ref c.Received)),
                    all.Sum(c => c.SrtpFailures), all.Sum(c => c.SendErrors), me.TotalProcessorTime.TotalMilliseconds,
                    histogram.Percentile(0.5), histogram.Percentile(0.99), histogram.Percentile(0.999), histogram.Max(),
                    engine.LateTicks, all.Count(c => c.Connected));
                Say("SNAP " + JsonSerializer.Serialize(snap, Json));
            }
            else if (parts[0] == "EXIT") break;
        }
        engine.Dispose();
        await Task.WhenAll(calls.Select(c => c.DisposeAsync().AsTask()));
        return 0;
    }
}

internal static class Worker
{
    public static Process Spawn(Options o, string mode)
    {
        var psi = new ProcessStartInfo { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        var self = Environment.ProcessPath!;
        psi.FileName = self;
        if (Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            psi.ArgumentList.Add(typeof(Worker).Assembly.Location);
        psi.ArgumentList.Add("--client-worker");
        psi.ArgumentList.Add(mode);
        psi.ArgumentList.Add("--audio-dir");
        psi.ArgumentList.Add(o.AudioDir);
        return Process.Start(psi)!;
    }
}
