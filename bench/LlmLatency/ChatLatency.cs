using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace LlmLatency;

/// <summary>
/// N chat conversations at once on the node, each taking turns in a closed loop: send a user message
/// tagged with a turn number, time the first assistant <c>text</c> with <c>type: potential</c>, read
/// to the final text, think, repeat. Per turn: client-observed = send → first fragment; the model's
/// TTFT as its server produced it; server-added = client-observed − TTFT, split into the way in
/// (send → the request at the model server) and the way out (first token flushed → fragment received).
/// </summary>
public sealed class ChatLatency(BenchNode node, ModelServer model, int conversations, TimeSpan warmup, TimeSpan duration, int thinkMs)
{
    private static readonly byte[] Initialize = Encoding.UTF8.GetBytes(
        """{"type":"initialize","request":{"callType":"chat","additionalData":{"firstName":"Bench"}}}""");

    private int _nextTurn;
    private readonly List<Sample> _samples = [];
    private long _errors, _timeouts;
    private string? _firstError;

    public sealed record Sample(double ObservedMs, double TtftMs, double InMs, double OutMs, double EchoMs)
    {
        public double AddedMs => ObservedMs - TtftMs;
    }

    public sealed record Result(int Conversations, int Opened, double OpenSeconds, double MeasuredSeconds, IReadOnlyList<Sample> Samples,
        long Errors, long Timeouts, string? FirstError, double ServerCpuPercent, int Gen0, int Gen1, int Gen2);

    public async Task<Result> RunAsync()
    {
        var open = Stopwatch.StartNew();
        var sockets = new ClientWebSocket?[conversations];
        var gate = new SemaphoreSlim(50);
        await Task.WhenAll(Enumerable.Range(0, conversations).Select(async i =>
        {
            await gate.WaitAsync();
            try { sockets[i] = await OpenAsync(); }
            catch (Exception e) { Error("open: " + e.Message); }
            finally { gate.Release(); }
        }));
        var opened = sockets.Count(s => s is not null);
        double openSeconds = open.Elapsed.TotalSeconds;

        long start = Stopwatch.GetTimestamp();
        long measureFrom = start + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        long measureTo = measureFrom + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var process = Process.GetCurrentProcess();
        TimeSpan cpuAtMeasure = TimeSpan.Zero, cpuAtEnd = TimeSpan.Zero;
        int gen0 = 0, gen1 = 0, gen2 = 0;
        var sampler = Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(Math.Max(0, (measureFrom - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency)));
            process.Refresh();
            cpuAtMeasure = process.TotalProcessorTime;
            (gen0, gen1, gen2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
            await Task.Delay(duration);
            process.Refresh();
            cpuAtEnd = process.TotalProcessorTime;
            (gen0, gen1, gen2) = (GC.CollectionCount(0) - gen0, GC.CollectionCount(1) - gen1, GC.CollectionCount(2) - gen2);
        });
        await Task.WhenAll(sockets.Where(s => s is not null).Select((s, i) => TurnsAsync(s!, i, measureFrom, measureTo)));
        await sampler;
        foreach (var s in sockets.Where(s => s is not null))
        {
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await s!.CloseAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
            s!.Dispose();
        }
        double cpu = (cpuAtEnd - cpuAtMeasure).TotalSeconds / duration.TotalSeconds * 100;
        lock (_samples)
            return new Result(conversations, opened, openSeconds, duration.TotalSeconds, [.. _samples], _errors, _timeouts, _firstError, cpu, gen0, gen1, gen2);
    }

    private async Task<ClientWebSocket> OpenAsync()
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await socket.ConnectAsync(node.WebSocketUri, cts.Token);
        await socket.SendAsync(Initialize, WebSocketMessageType.Text, true, cts.Token);
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var frame = await ReceiveAsync(socket, buffer, cts.Token);
            if (frame.Type == "event" && frame.Name == "opened") return socket;
            if (frame.Type == "error") throw new InvalidOperationException("error frame while opening: " + frame.Raw);
        }
    }

    private async Task TurnsAsync(ClientWebSocket socket, int index, long measureFrom, long measureTo)
    {
        var buffer = new byte[64 * 1024];
        var random = new Random(index);
        // Spread the first turns over one think time so the conversations do not move in lockstep.
        await Task.Delay(random.Next(0, Math.Max(1, thinkMs)));
        while (Stopwatch.GetTimestamp() < measureTo)
        {
            var turn = Interlocked.Increment(ref _nextTurn).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var message = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
            {
                type = "incomingChatMessage",
                content = $"[turn {turn}] I would like a table for two tomorrow at eight.",
            }));
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            long sentAt = 0, firstAt = 0, echoAt = 0;
            try
            {
                sentAt = Stopwatch.GetTimestamp();
                await socket.SendAsync(message, WebSocketMessageType.Text, true, cts.Token);
                while (true)
                {
                    var frame = await ReceiveAsync(socket, buffer, cts.Token);
                    if (frame.Type == "error") { Error(frame.Raw); break; }
                    if (frame.Type == "text" && frame.Source == "user" && echoAt == 0) echoAt = frame.At;
                    if (frame.Type != "text" || frame.Source != "assistant") continue;
                    if (frame.Potential && firstAt == 0) firstAt = frame.At;
                    if (!frame.Potential) break;
                }
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref _timeouts);
                return;
            }
            catch (WebSocketException e)
            {
                Error("socket: " + e.Message);
                return;
            }
            if (firstAt != 0 && sentAt >= measureFrom && sentAt < measureTo && model.Timing(turn) is { FirstTokenAt: > 0 } timing)
            {
                var sample = new Sample(
                    Stopwatch.GetElapsedTime(sentAt, firstAt).TotalMilliseconds,
                    timing.TtftMs,
                    Stopwatch.GetElapsedTime(sentAt, timing.ArrivedAt).TotalMilliseconds,
                    Stopwatch.GetElapsedTime(timing.FirstTokenAt, firstAt).TotalMilliseconds,
                    echoAt == 0 ? double.NaN : Stopwatch.GetElapsedTime(sentAt, echoAt).TotalMilliseconds);
                lock (_samples) _samples.Add(sample);
            }
            await Task.Delay(thinkMs / 2 + random.Next(0, Math.Max(1, thinkMs)));
        }
    }

    private void Error(string what)
    {
        Interlocked.Increment(ref _errors);
        Interlocked.CompareExchange(ref _firstError, what, null);
    }

    private readonly record struct Frame(long At, string? Type, string? Name, string? Source, bool Potential, string Raw);

    /// <summary>One whole frame; its arrival time is taken as its last piece is read, before it is parsed.</summary>
    private static async Task<Frame> ReceiveAsync(ClientWebSocket socket, byte[] buffer, CancellationToken ct)
    {
        int length = 0;
        while (true)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(length), ct);
            if (read.MessageType == WebSocketMessageType.Close) throw new WebSocketException("the node closed the socket");
            length += read.Count;
            if (read.EndOfMessage) break;
            if (length == buffer.Length) throw new WebSocketException("frame larger than the bench's buffer");
        }
        long at = Stopwatch.GetTimestamp();
        using var doc = JsonDocument.Parse(buffer.AsMemory(0, length));
        var root = doc.RootElement;
        string? Str(JsonElement e, string name) => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var content = root.TryGetProperty("content", out var c) ? c : default;
        return new Frame(at, Str(root, "type"), Str(root, "name"), Str(content, "source"), Str(content, "type") == "potential",
            Encoding.UTF8.GetString(buffer, 0, Math.Min(length, 300)));
    }
}
