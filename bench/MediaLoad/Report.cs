namespace MediaLoad;

internal static class Report
{
    public static void Print(Options o, List<DensityResult> densities, TurnResult? turns)
    {
        Console.WriteLine();
        if (densities.Count > 0)
        {
            Console.WriteLine($"Media density (window {o.DurationSeconds}s after all calls connected + {o.WarmupSeconds}s warm-up; CPU % of the whole machine = {Environment.ProcessorCount} cores)");
            Console.WriteLine();
            Console.WriteLine("| metric | " + string.Join(" | ", densities.Select(d => $"{d.Requested} calls")) + " |");
            Console.WriteLine("|---|" + string.Concat(densities.Select(_ => "---:|")));
            void Row(string name, Func<DensityResult, string> f) => Console.WriteLine($"| {name} | " + string.Join(" | ", densities.Select(f)) + " |");
            Row("calls connected / failed", d => $"{d.Connected} / {d.Failed}");
            Row("setup offer→connected p50 / p99 / max (ms)", d => $"{d.SetupP50:F0} / {d.SetupP99:F0} / {d.SetupMax:F0}");
            Row("all calls connected in (s)", d => $"{d.ConnectAllSeconds:F1}");
            Row("**server CPU (% of machine)**", d => $"**{d.ServerCpuPctMachine:F1}**");
            Row("client (browsers) CPU (% of machine)", d => $"{d.ClientCpuPctMachine:F1}");
            Row("machine CPU, all processes (%)", d => $"{d.MachineCpuPct:F1}");
            Row("load average (1 min) at window end", d => $"{d.LoadAvg:F2}");
            Row("packets/s client→server (received)", d => $"{d.UpPps:F0}");
            Row("packets/s server→client (received)", d => $"{d.DownPps:F0}");
            Row("loss client→server (sent / received)", d => $"{Loss(d.UpSent, d.UpReceived)} ({d.UpSent} / {d.UpReceived})");
            Row("loss server→client (sent / received)", d => $"{Loss(d.DownSent, d.DownReceived)} ({d.DownSent} / {d.DownReceived})");
            Row("server 16 kHz frames to VAD /s; endpoint events", d => $"{d.ServerFramesPerSec:F0}; {d.EndpointEvents}");
            Row("jitter-buffer lost; pacer skipped frames; SRTP failures", d => $"{d.JitterLost}; {d.PacerSkipped}; {d.SrtpFailures}");
            Row("client inter-arrival p50 / p99 / p99.9 / max (ms)", d => $"{d.InterArrivalP50:F1} / {d.InterArrivalP99:F1} / {d.InterArrivalP999:F1} / {d.InterArrivalMax:F1}");
            Row("server GCs gen0/1/2; pause (ms/s)", d => $"{d.Gen0}/{d.Gen1}/{d.Gen2}; {d.GcPauseMsPerSec:F2}");
            Row("server working set (MB); threads", d => $"{d.WorkingSetMb:F0}; {d.Threads}");
            Console.WriteLine();
            var at200 = densities.FirstOrDefault(d => d.Requested == 200);
            if (at200 is not null)
                Console.WriteLine($"Goal 200 calls under 50 % CPU: {(at200.Connected == 200 && at200.ServerCpuPctMachine < 50 ? "MET" : "NOT MET")} " +
                                  $"({at200.Connected} calls, server {at200.ServerCpuPctMachine:F1} %)");
        }
        if (turns is not null)
        {
            Console.WriteLine();
            Console.WriteLine($"Server-added turn latency ({turns.Turns.Count} turns of {o.Turns}, end-of-turn silence {o.EndSilenceMs} ms, {turns.Timeouts} timed out)");
            Console.WriteLine();
            Console.WriteLine("| figure (ms) | p50 | p95 | p99 | max |");
            Console.WriteLine("|---|---:|---:|---:|---:|");
            void T(string name, Func<Turn, double> f)
            {
                var v = turns.Turns.Select(f).OrderBy(x => x).ToArray();
                Console.WriteLine($"| {name} | {Density.Pct(v, 0.5):F1} | {Density.Pct(v, 0.95):F1} | {Density.Pct(v, 0.99):F1} | {v.LastOrDefault():F1} |");
            }
            T("raw: last speech packet sent → first loud reply packet", t => t.RawMs);
            T("engines (ASR final + dialogue + TTS first chunk)", t => t.EnginesMs);
            T("**server-added = raw − engines − end-of-turn silence**", t => t.ServerAddedMs);
            T("  of which: speech end → UserSpeechFinal at the parent, − silence", t => t.EndpointMs);
            T("  of which: Speak → first loud packet at the client", t => t.SpeakToAudioMs);
            T("VAD's speech end (EndedAt) before the last speech packet", t => t.VadEndVsLastPacketMs);
            Console.WriteLine($"(reply lead-in before its first loud frame, subtracted as TTS content: {turns.LeadInMs:F0} ms; load average {turns.LoadAvg:F2})");
            Console.WriteLine();
            var added = turns.Turns.Select(t => t.ServerAddedMs).OrderBy(x => x).ToArray();
            Console.WriteLine($"Goal p95 < 30 ms: {(Density.Pct(added, 0.95) < 30 ? "MET" : "NOT MET")} (p95 {Density.Pct(added, 0.95):F1} ms)");
        }
    }

    private static string Loss(long sent, long received) =>
        sent == 0 ? "-" : $"{Math.Max(0, 100.0 * (sent - received) / sent):F3} %";
}
