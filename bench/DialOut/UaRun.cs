using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Orchestrator.Media.Rtp;
using Orchestrator.Media.Sdp;
using Orchestrator.Media.Sip.Calls;
using Orchestrator.Media.Sip.Messages;

namespace DialOut;

/// <summary>
/// Our <see cref="SipUserAgent"/> (one, UDP on 127.0.0.1) dialling the SIPp uas at a target rate.
/// One pacer thread starts call n at t0 + n/rate (sleeping while more than 1.5 ms early, spinning
/// the rest); each call is DialAsync → hold → HangupAsync (BYE → 200). With media, every call has its
/// own <see cref="RtpSession"/> (PCMU negotiated, 20 ms silence frames sent to the uas's media port,
/// as a real call has); without, a fixed SDP offer.
/// </summary>
public static class UaRun
{
    public static async Task<StepResult> RunAsync(Sipp uas, int rate, bool media, Options o)
    {
        long planned = (long)rate * o.Duration;
        string load = Machine.LoadAverage();
        await using var agent = SipUserAgent.Start(new SipUserAgentOptions { BindAddress = IPAddress.Loopback, Port = 0 });
        var target = SipUri.Parse($"sip:service@127.0.0.1:{uas.Port}");
        var from = SipUri.Parse("sip:bench@127.0.0.1");
        var fixedOffer = SipSdp.BuildOffer(IPAddress.Loopback, 9, 1);
        var hold = TimeSpan.FromMilliseconds(o.HoldMs);
        var setupTimeout = TimeSpan.FromSeconds(o.SetupTimeoutSeconds);

        var setups = new double[planned];
        long started = 0, succeeded = 0, failed = 0, startTicks = 0;
        int concurrent = 0, maxConcurrent = 0;
        var failures = new ConcurrentDictionary<string, int>();
        var calls = new List<Task>((int)planned);
        volatile_stop = false;

        void Fail(string reason)
        {
            Interlocked.Increment(ref failed);
            failures.AddOrUpdate(reason.Length > 80 ? reason[..80] : reason, 1, (_, n) => n + 1);
            volatile_stop = true; // zero failures is the criterion: no point going on
        }

        async Task CallAsync(long n)
        {
            int now = Interlocked.Increment(ref concurrent);
            int seen;
            while (now > (seen = Volatile.Read(ref maxConcurrent)) && Interlocked.CompareExchange(ref maxConcurrent, now, seen) != seen) { }
            try
            {
                long t0 = Stopwatch.GetTimestamp();
                RtpSession? session = media ? RtpSession.Open() : null;
                var call = agent.CreateCall(new SipDialOptions
                {
                    Target = target, From = from, Media = session, SdpOffer = session is null ? fixedOffer : null,
                    RingTimeout = setupTimeout,
                });
                var dial = call.DialAsync();
                Interlocked.Add(ref startTicks, Stopwatch.GetTimestamp() - t0);
                SipDialResult result;
                try { result = await dial.WaitAsync(setupTimeout).ConfigureAwait(false); }
                catch (TimeoutException)
                {
                    Fail("setup timeout");
                    _ = call.HangupAsync();
                    return;
                }
                if (!result.IsAnswered)
                {
                    Fail($"dial: {result.Reason} {result.Detail}");
                    return;
                }
                setups[n] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                await Task.Delay(hold).ConfigureAwait(false);
                try { await call.HangupAsync().WaitAsync(setupTimeout).ConfigureAwait(false); }
                catch (TimeoutException)
                {
                    Fail("hang-up timeout");
                    return;
                }
                var end = await call.Completion.ConfigureAwait(false);
                if (end.By != SipCallEndedBy.Local) Fail($"end: {end.By} {end.Detail}");
                else Interlocked.Increment(ref succeeded);
            }
            catch (Exception ex)
            {
                Fail("exception: " + ex.GetType().Name + " " + ex.Message);
            }
            finally
            {
                Interlocked.Decrement(ref concurrent);
            }
        }

        // Warm the JIT with a handful of calls outside the measurement.
        var warm = new List<Task>();
        for (int i = 0; i < 20; i++) warm.Add(CallAsync(0));
        await Task.WhenAll(warm);
        if (Interlocked.Read(ref failed) > 0)
            Console.WriteLine("  warm-up calls failed: " + string.Join("; ", failures.Select(f => $"{f.Key} ×{f.Value}")));
        failed = 0; succeeded = 0; startTicks = 0; maxConcurrent = 0;
        failures.Clear();
        Array.Clear(setups);
        volatile_stop = false;
        await Task.Delay(hold + TimeSpan.FromMilliseconds(500));

        GC.Collect();
        var proc = Process.GetCurrentProcess();
        var cpu0 = proc.TotalProcessorTime;
        long alloc0 = GC.GetTotalAllocatedBytes(precise: false);
        int[] gc0 = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        var uasCpu0 = Machine.ProcessCpuSeconds(uas.Pid);
        var wall = Stopwatch.StartNew();

        double lateMax = 0;
        double firstStart = 0, lastStart = 0;
        var pacer = new Thread(() =>
        {
            double interval = Stopwatch.Frequency / (double)rate;
            long origin = Stopwatch.GetTimestamp();
            for (long n = 0; n < planned && !volatile_stop; n++)
            {
                long due = origin + (long)(n * interval);
                while (true)
                {
                    long left = due - Stopwatch.GetTimestamp();
                    if (left <= 0) break;
                    if (left > Stopwatch.Frequency * 15 / 10_000) Thread.Sleep(1);
                    else Thread.SpinWait(20);
                }
                long at = Stopwatch.GetTimestamp();
                lateMax = Math.Max(lateMax, (at - due) * 1000.0 / Stopwatch.Frequency);
                if (n == 0) firstStart = at / (double)Stopwatch.Frequency;
                lastStart = at / (double)Stopwatch.Frequency;
                calls.Add(CallAsync(n));
                started = n + 1;
            }
        }) { Name = "dial-pacer", IsBackground = true, Priority = ThreadPriority.AboveNormal };
        pacer.Start();
        pacer.Join();
        var all = Task.WhenAll(calls);
        await Task.WhenAny(all, Task.Delay(hold + 2 * setupTimeout + TimeSpan.FromSeconds(5)));
        double seconds = wall.Elapsed.TotalSeconds;
        var cpu = proc.TotalProcessorTime - cpu0;
        long alloc = GC.GetTotalAllocatedBytes(precise: false) - alloc0;
        var uasCpu = Machine.ProcessCpuSeconds(uas.Pid) - uasCpu0;
        if (!all.IsCompleted) Fail("calls still running at the end of the step");

        var done = setups.Take((int)started).Where(s => s > 0).ToList();
        done.Sort();
        return new StepResult
        {
            Caller = media ? "ours, media" : "ours, no media",
            TargetRate = rate,
            Planned = planned,
            Started = started,
            Succeeded = succeeded,
            Failed = failed,
            StartSpan = lastStart - firstStart,
            SetupP50Ms = Stats.Percentile(done, 0.50),
            SetupP99Ms = Stats.Percentile(done, 0.99),
            SetupMaxMs = done.Count > 0 ? done[^1] : double.NaN,
            CallerCpu = cpu.TotalSeconds / seconds * 100,
            UasCpu = uasCpu / seconds * 100,
            PacerLateMaxMs = lateMax,
            StartCostUs = started > 0 ? startTicks * 1e6 / Stopwatch.Frequency / started : double.NaN,
            AllocKbPerCall = started > 0 ? alloc / 1024.0 / started : double.NaN,
            Gcs = $"{GC.CollectionCount(0) - gc0[0]}/{GC.CollectionCount(1) - gc0[1]}/{GC.CollectionCount(2) - gc0[2]}",
            MaxConcurrent = maxConcurrent,
            Threads = ThreadPool.ThreadCount,
            Failures = string.Join("; ", failures.OrderByDescending(f => f.Value).Take(3).Select(f => $"{f.Key} ×{f.Value}")),
            Load = load,
        };
    }

    private static volatile bool volatile_stop;
}
