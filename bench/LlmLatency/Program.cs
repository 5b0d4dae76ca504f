using LlmLatency;

// Issue 9's benchmark; see bench/README.md ("LlmLatency").
var options = Options.Parse(args);
Console.WriteLine($"LlmLatency: model TTFT {options.TtftMs} ms, {options.TokensPerSecond} tokens/s; {Environment.ProcessorCount} cores, "
    + $"load average {Stats.LoadAverage():F1} at the start");
ThreadPool.GetMinThreads(out int workers, out int io);
ThreadPool.SetMinThreads(Math.Max(workers, 32), io); // the simulated browser and the model server's waits must not queue behind the node

await using var model = await ModelServer.StartAsync(Options.Reply, options.TtftMs, options.TokensPerSecond);
await using var node = await BenchNode.StartAsync(model.Endpoint, options.EndOfTurnSilenceMs, options.TtsCache);
Console.WriteLine($"reply: {model.Tokens} tokens; first sentence {Options.FirstSentenceTokens} tokens");

if (!options.CallOnly)
{
    foreach (var n in options.Conversations)
    {
        var run = await new ChatLatency(node, model, n, TimeSpan.FromSeconds(options.WarmupSeconds),
            TimeSpan.FromSeconds(options.DurationSeconds), options.ThinkMs).RunAsync();
        Console.WriteLine();
        Console.WriteLine($"chat, {n} concurrent conversations ({run.Opened} opened in {run.OpenSeconds:F1} s), {run.Samples.Count} turns measured "
            + $"in {run.MeasuredSeconds:F0} s ({run.Samples.Count / run.MeasuredSeconds:F1} turns/s); errors {run.Errors}, timeouts {run.Timeouts}"
            + (run.FirstError is null ? "" : $" (first: {run.FirstError})"));
        Console.WriteLine($"  process CPU {run.ServerCpuPercent:F0} % of one core (node + model server + clients); GCs gen0/1/2 {run.Gen0}/{run.Gen1}/{run.Gen2}; load average {Stats.LoadAverage():F1}");
        Console.WriteLine("  figure (ms)                                                 p50 / p95 / p99 / max");
        Console.WriteLine($"  client-observed: user message sent -> first potential text    {Stats.Summary(run.Samples.Select(s => s.ObservedMs))}");
        Console.WriteLine($"  model TTFT as its server produced it                          {Stats.Summary(run.Samples.Select(s => s.TtftMs))}");
        Console.WriteLine($"  server-added = observed - TTFT                                {Stats.Summary(run.Samples.Select(s => s.AddedMs))}");
        Console.WriteLine($"    of which in: message sent -> request at the model server    {Stats.Summary(run.Samples.Select(s => s.InMs))}");
        Console.WriteLine($"    of which out: first token flushed -> fragment at the client {Stats.Summary(run.Samples.Select(s => s.OutMs))}");
        Console.WriteLine($"  for comparison: sent -> the user's echo (sent once journaled)  {Stats.Summary(run.Samples.Where(s => !double.IsNaN(s.EchoMs)).Select(s => s.EchoMs))}");
    }
}
if (!options.ChatOnly)
{
    var call = await new CallLatency(node, model, options.CallTurns, options.EndOfTurnSilenceMs).RunAsync();
    call.Print();
}
return 0;
