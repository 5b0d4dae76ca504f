using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Text.Json;
using ChatLoad;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
Options options;
try { options = Options.Parse(args); }
catch (ArgumentException ex) { Console.Error.WriteLine(ex.Message); return 2; }

ThreadPool.GetMinThreads(out var minWorkers, out var minIo);
ThreadPool.SetMinThreads(Math.Max(minWorkers, 64), Math.Max(minIo, 64));

if (options.ClientWorker) return await ClientWorker.RunAsync(options);

Console.WriteLine($"ChatLoad: {options.Conversations} conversations, {options.Rate} turns/s target, " +
                  $"{options.WarmupSeconds}s warm-up + {options.DurationSeconds}s measured, {options.SaturationSeconds}s saturation; " +
                  $"{Environment.ProcessorCount} cores, server GC {GCSettings.IsServerGC}, .NET {Environment.Version}; " +
                  $"load average at start: {(File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "?")}");

PhaseResult? echo = null, node = null;
if (!options.NodeOnly)
{
    Console.WriteLine("== phase 1: raw Kestrel WebSocket echo (the ceiling)");
    await using var server = await EchoServer.StartAsync();
    echo = await Phase.RunAsync(options, "echo", server.Uri, null);
}
if (!options.EchoOnly)
{
    Console.WriteLine($"== phase 2: the node (NodeHost.Build, {(options.Postgres is null ? "SQLite" : "PostgreSQL")} journal on, demo agent)");
    var started = Stopwatch.StartNew();
    await using var n = await NodeUnderTest.StartAsync(options.Postgres);
    Console.WriteLine($"  node up in {started.Elapsed.TotalSeconds:F1}s, db {n.DatabasePath}");
    node = await Phase.RunAsync(options, "node", n.WebSocketUri, n);
    Console.WriteLine("  stopping the node…");
}
Report.Print(options, echo, node);
return 0;

/// <summary>The spawned client process: runs the harness, talks to the parent over stdin/stdout.</summary>
static class ClientWorker
{
    public static async Task<int> RunAsync(Options o)
    {
        var client = new LoadClient(o);
        var stdout = Console.Out;
        var result = await client.RunAsync(async opened =>
        {
            await stdout.WriteLineAsync("OPENED " + JsonSerializer.Serialize(opened, ClientResult.Json));
            await stdout.FlushAsync();
            var go = await Console.In.ReadLineAsync(); // the parent measures memory, then says GO
            if (go != "GO") throw new InvalidOperationException("parent did not say GO: " + go);
        }, marker => { stdout.WriteLine(marker); stdout.Flush(); });
        await stdout.WriteLineAsync("RESULT " + JsonSerializer.Serialize(result, ClientResult.Json));
        await stdout.FlushAsync();
        return 0;
    }
}
