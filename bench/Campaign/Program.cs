using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CampaignBench;
using Orchestrator.Media.Tests.Sip;
using Orchestrator.Node.Tests.Phone;

// A CSV campaign against SIPp on loopback, dialled by a real node process; optionally killed with
// SIGKILL part-way and started again on the same database. Judged by what SIPp saw.
var o = Options.Parse(args);
Console.WriteLine($"campaign bench: {o.Calls} calls, concurrency {o.Concurrency}, CPS {o.Cps}, hold {o.HoldMs} ms, " +
                  $"kill at {(o.KillAt > 0 ? $"{o.KillAt:P0}" : "never")}; load average {File.ReadAllText("/proc/loadavg").Trim()}");
var work = Directory.CreateTempSubdirectory("campaign-bench").FullName;
await using var sipp = await SippProcess.StartAsync("callee-hold.xml",
    extra: $"-m 100000000 -d {o.HoldMs} -timeout {o.TimeoutSeconds + 300}s -buff_size 8388608 -max_socket 50000 -max_recv_loops 10000 " +
           $"-max_sched_loops 10000 {SippMessageLog.TraceArgs}");
await using var node = await NodeProcess.StartAsync(Path.Combine(work, "bench.db"));
using var http = node.Client();

var trunk = await PostAsync("/api/v1/sip-trunks", new { name = "bench", server = $"127.0.0.1:{sipp.Port}" });
var agentJson = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(NodeProcess.NodeDirectory, "Demo", "demo-agent.json")))!.AsObject();
agentJson.Remove("agentId");
agentJson["name"] = "campaign-bench";
agentJson["config"]!["outboundSipConfig"] = new JsonObject { ["trunkId"] = (string)trunk["id"]! };
var agentId = (string)(await PostAsync("/api/v1/agents", agentJson))["agentId"]!;

if (o.QueueProbe > 0) await ProbeQueueAsync();

var campaignId = (string)(await PostAsync("/api/v1/campaigns", new { name = "bench", agentId, concurrency = o.Concurrency, cpsLimit = o.Cps }))["campaignId"]!;
await UploadAsync(campaignId, o.Calls, 100_000);
var clock = Stopwatch.StartNew();
var cpuBefore = node.CpuSeconds();
var killed = false;
JsonObject campaign;
while (true)
{
    campaign = await GetCampaignAsync(campaignId);
    if ((string?)campaign["status"] == "Completed") break;
    if (clock.Elapsed.TotalSeconds > o.TimeoutSeconds) { Console.WriteLine($"timed out: {campaign.ToJsonString()}"); break; }
    if (!killed && o.KillAt > 0 && Finished(campaign) >= o.Calls * o.KillAt)
    {
        killed = true;
        Console.WriteLine($"  SIGKILL at {clock.Elapsed.TotalSeconds:F1} s with {Finished(campaign)} calls finished");
        await node.KillAndRestartAsync();
        Console.WriteLine($"  restarted and ready at {clock.Elapsed.TotalSeconds:F1} s");
    }
    await Task.Delay(500);
}
var elapsed = clock.Elapsed.TotalSeconds;
var cpu = node.CpuSeconds() - cpuBefore;

// What reached the callee.
var invites = SippMessageLog.Read(sipp).Where(m => m.Received && m.IsRequest("INVITE")).ToList();
var perNumber = invites.GroupBy(m => m.FirstLine.Split(' ')[1]).ToDictionary(g => g.Key, g => g.Count());
var first = invites.Min(m => m.At);
var perSecond = invites.GroupBy(m => (int)(m.At - first).TotalSeconds).OrderBy(g => g.Key).Select(g => g.Count()).ToList();
var times = invites.Select(m => m.At).Order().ToList();
var busiest = 0;
for (int i = 0, j = 0; i < times.Count; i++)
{
    while (times[i] - times[j] >= TimeSpan.FromSeconds(1)) j++;
    busiest = Math.Max(busiest, i - j + 1);
}
var up = 0;
var mostUp = 0;
foreach (var m in SippMessageLog.Read(sipp))
{
    if (m.Received && m.IsRequest("INVITE")) mostUp = Math.Max(mostUp, ++up);
    else if (!m.Received && m.IsRequest("BYE")) up--;
}
var counts = campaign["counts"]!;
var lost = o.Calls - Finished(campaign);
var doubles = perNumber.Count(p => p.Value > 1);
var steady = perSecond.Skip(2).SkipLast(2).ToList();

Console.WriteLine();
Console.WriteLine($"| calls | concurrency / CPS | hold | finish (s) | ideal (s) | ratio | busiest 1 s window | steady CPS (min / median / max) | most up at SIPp | node CPU / call (ms) | double dials | lost | outcomes |");
Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
Console.WriteLine($"| {o.Calls} | {o.Concurrency} / {o.Cps} | {o.HoldMs} ms | {elapsed:F1} | {o.IdealSeconds:F1} | {elapsed / o.IdealSeconds:F2} | {busiest} | " +
                  $"{(steady.Count > 0 ? $"{steady.Min()} / {steady.Order().ElementAt(steady.Count / 2)} / {steady.Max()}" : "n/a")} | {mostUp} | " +
                  $"{cpu * 1000 / o.Calls:F1} | {doubles} | {lost} | {campaign["outcomes"]!.ToJsonString()} |");
Console.WriteLine($"INVITEs per second: {string.Join(' ', perSecond)}");
Console.WriteLine($"counts: {counts.ToJsonString()}{(killed ? "; the node was killed and restarted once" : "")}");
return lost == 0 && doubles == 0 ? 0 : 1;

async Task<JsonObject> PostAsync(string path, object body)
{
    var response = await http.PostAsJsonAsync(path, body);
    if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
}

async Task UploadAsync(string id, int rows, int firstNumber)
{
    var csv = new StringBuilder("endpoint\n");
    for (var i = 0; i < rows; i++) csv.Append(firstNumber + i).Append('\n');
    var response = await http.PostAsync($"/api/v1/campaigns/{id}/calls", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"));
    if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"upload: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
}

async Task<JsonObject> GetCampaignAsync(string id)
{
    for (var attempt = 0; ; attempt++)
    {
        try { return (await http.GetFromJsonAsync<JsonObject>($"/api/v1/campaigns/{id}"))!; }
        catch (HttpRequestException) when (attempt < 120) { await Task.Delay(500); } // the node is restarting
    }
}

static int Finished(JsonObject c) => new[] { "Completed", "Failed", "Canceled" }.Sum(s => (int?)c["counts"]![s] ?? 0);

// Queue pick latency with N calls queued: a paused campaign's N calls fill the queue; the dispatcher's own
// pick (SqlCallStore.PickDueAsync, a page of 200 due calls in start order) is timed on the node's SQLite
// file from this process, as the first page of a round and as the page after skipping the paused campaign.
async Task ProbeQueueAsync()
{
    var probe = (string)(await PostAsync("/api/v1/campaigns", new { name = "probe", agentId, concurrency = 1 }))["campaignId"]!;
    await PostAsync($"/api/v1/campaigns/{probe}/pause", new { });
    var upload = Stopwatch.StartNew();
    await UploadAsync(probe, o.QueueProbe, 1_000_000);
    Console.WriteLine($"  queued {o.QueueProbe} calls (CSV upload) in {upload.Elapsed.TotalSeconds:F1} s");
    var store = new Orchestrator.Storage.Calls.SqlCallStore(
        new Orchestrator.Storage.Database.SqliteDialect($"Data Source={Path.Combine(work, "bench.db")}"), TimeProvider.System);
    var skipProbe = new Orchestrator.Actors.Dialer.Ports.DueCallFilter(new HashSet<string>(), new HashSet<string> { probe });
    foreach (var (label, filter) in new[] { ("first page", (Orchestrator.Actors.Dialer.Ports.DueCallFilter?)null), ("past the paused campaign", skipProbe) })
    {
        var samples = new List<double>();
        for (var i = 0; i < 21; i++)
        {
            var t = Stopwatch.StartNew();
            await store.PickDueAsync(DateTimeOffset.UtcNow, 200, filter);
            samples.Add(t.Elapsed.TotalMilliseconds);
        }
        samples.Sort();
        Console.WriteLine($"  pick of 200 with {o.QueueProbe} queued, {label}: {samples[10]:F2} ms median, {samples[^1]:F2} ms max");
    }
    await PostAsync($"/api/v1/campaigns/{probe}/cancel", new { });
}
