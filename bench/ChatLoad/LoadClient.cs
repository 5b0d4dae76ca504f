using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace ChatLoad;

/// <summary>What the client worker measured, sent back to the main process as one JSON line.</summary>
public sealed class ClientResult
{
    public static readonly JsonSerializerOptions Json = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public string Mode { get; set; } = "";
    public int Attempted { get; set; }
    public int Held { get; set; }
    public int HeldAtEnd { get; set; }
    public int ConnectFailures { get; set; }
    public string? FirstConnectError { get; set; }
    public double OpenSeconds { get; set; }
    public double MeasuredSeconds { get; set; }
    public long TurnsSent { get; set; }
    public long TurnsCompleted { get; set; }
    public long TurnsTimedOut { get; set; }
    public long TurnsNotSent { get; set; }
    public long ErrorFrames { get; set; }
    public string? FirstErrorFrame { get; set; }
    public long UnexpectedCloses { get; set; }
    public double TurnsPerSecond { get; set; }
    public double P50Ms { get; set; }
    public double P90Ms { get; set; }
    public double P99Ms { get; set; }
    public double P999Ms { get; set; }
    public double MaxMs { get; set; }
    public double MeanMs { get; set; }
    public double UserEchoP50Ms { get; set; }
    public double UserEchoP99Ms { get; set; }
    public double SaturationSeconds { get; set; }
    public double SaturationTurnsPerSecond { get; set; }
    public double ClientCpuSeconds { get; set; }
    public double ClientCpuSecondsMeasured { get; set; }
}

/// <summary>
/// The client harness: N ClientWebSockets, one receive loop each, and one pacer thread that hands
/// turns to idle conversations at a fixed total rate (each conversation has at most one turn in
/// flight). Latency = send of the user message → first assistant <c>text</c> frame.
/// </summary>
public sealed class LoadClient
{
    private readonly Options _o;
    private readonly bool _node;
    private readonly byte[] _turnBytes;
    private readonly byte[] _initBytes = Encoding.UTF8.GetBytes(
        """{"type":"initialize","request":{"callType":"chat","additionalData":{"firstName":"Bench"}}}""");

    // Measurement window in Stopwatch ticks; turns sent inside it are the measured ones.
    private long _windowStart = long.MaxValue, _windowEnd = long.MaxValue;
    private long[] _latencies = [];
    private long[] _userEcho = [];
    private int _latencyCount, _userEchoCount;
    private long _turnsSent, _errorFrames, _unexpectedCloses;
    private string? _firstError;
    private volatile bool _saturating;
    private long _satCompleted;

    public LoadClient(Options o)
    {
        _o = o;
        _node = o.Mode == "node";
        _turnBytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { type = "incomingChatMessage", content = o.Message }));
    }

    private sealed class Conn
    {
        public readonly ClientWebSocket Socket = new();
        public byte[] Buffer = new byte[4096];
        /// <summary>Stopwatch ticks of the turn in flight, 0 when idle.</summary>
        public long SentAt;
        public bool Opened; // node: event opened seen
        public TaskCompletionSource? Ready; // completes when the conversation is open and greeted
        public bool Closing;
    }

    public async Task<ClientResult> RunAsync(Func<ClientResult, Task> onAllOpen, Action<string> mark)
    {
        var uri = new Uri(_o.Uri!);
        var n = _o.Conversations;
        var expected = (int)Math.Ceiling(_o.Rate * (_o.DurationSeconds + 1) * 1.1) + 1024;
        _latencies = new long[expected];
        _userEcho = new long[expected];
        var result = new ClientResult { Mode = _o.Mode, Attempted = n };
        var proc = Process.GetCurrentProcess();

        // ---- open N conversations, at most C connects in flight
        var conns = new Conn?[n];
        var gate = new SemaphoreSlim(_o.ConnectConcurrency);
        var openWatch = Stopwatch.StartNew();
        var failures = 0;
        string? firstFailure = null;
        var opening = new Task[n];
        for (var i = 0; i < n; i++)
        {
            await gate.WaitAsync();
            var index = i;
            opening[i] = Task.Run(async () =>
            {
                var c = new Conn();
                try
                {
                    c.Socket.Options.KeepAliveInterval = TimeSpan.Zero;
                    c.Socket.Options.SetBuffer(4096, 4096);
                    using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                    await c.Socket.ConnectAsync(uri, cts.Token);
                    c.Ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    _ = ReceiveLoopAsync(c);
                    if (_node) await c.Socket.SendAsync(_initBytes, WebSocketMessageType.Text, true, cts.Token);
                    else c.Ready.TrySetResult();
                    await c.Ready.Task.WaitAsync(cts.Token);
                    conns[index] = c;
                }
                catch (Exception ex)
                {
                    if (Interlocked.Increment(ref failures) == 1) firstFailure = ex.GetType().Name + ": " + ex.Message;
                    c.Closing = true;
                    c.Socket.Abort();
                }
                finally { gate.Release(); }
            });
            if (i > 0 && i % 1000 == 0) Console.Error.WriteLine($"  [{_o.Mode}] {i} connects started, {openWatch.Elapsed.TotalSeconds:F1}s");
        }
        await Task.WhenAll(opening);
        var live = conns.Where(c => c is not null).Select(c => c!).ToArray();
        result.Held = live.Length;
        result.ConnectFailures = failures;
        result.FirstConnectError = firstFailure;
        result.OpenSeconds = openWatch.Elapsed.TotalSeconds;
        Console.Error.WriteLine($"  [{_o.Mode}] {live.Length}/{n} open in {result.OpenSeconds:F1}s ({failures} failed)");

        await onAllOpen(result);

        // ---- drive turns: warm-up, then the measured window
        var freq = (double)Stopwatch.Frequency;
        var start = Stopwatch.GetTimestamp();
        var warmTicks = (long)(_o.WarmupSeconds * freq);
        var durTicks = (long)(_o.DurationSeconds * freq);
        _windowStart = start + warmTicks;
        _windowEnd = _windowStart + durTicks;
        var cpuAtWindowStart = TimeSpan.Zero;
        long notSent = 0;
        var pacer = new Thread(() =>
        {
            long issued = 0;
            var cursor = 0;
            var cpuTaken = false;
            while (true)
            {
                var now = Stopwatch.GetTimestamp();
                if (now >= _windowEnd) break;
                if (!cpuTaken && now >= _windowStart) { cpuAtWindowStart = proc.TotalProcessorTime; proc.Refresh(); cpuTaken = true; mark("WINDOW-START"); }
                var due = (long)((now - start) / freq * _o.Rate);
                while (issued < due && live.Length > 0)
                {
                    // The next idle conversation in round-robin order.
                    Conn? pick = null;
                    for (var tries = 0; tries < live.Length; tries++)
                    {
                        var c = live[cursor];
                        cursor = cursor + 1 == live.Length ? 0 : cursor + 1;
                        if (Volatile.Read(ref c.SentAt) == 0 && !c.Closing) { pick = c; break; }
                    }
                    issued++;
                    if (pick is null) { if (now >= _windowStart) notSent++; continue; }
                    SendTurn(pick);
                }
                Thread.Sleep(1);
            }
        }) { IsBackground = true, Name = "pacer", Priority = ThreadPriority.AboveNormal };
        pacer.Start();
        pacer.Join();
        var cpuAtWindowEnd = proc.TotalProcessorTime;
        mark("WINDOW-END");

        // Let the measured turns finish (or time out).
        var drainUntil = Stopwatch.GetTimestamp() + (long)(_o.TurnTimeoutSeconds * freq);
        while (Stopwatch.GetTimestamp() < drainUntil && live.Any(c => Volatile.Read(ref c.SentAt) != 0 && !c.Closing))
            await Task.Delay(50);

        result.MeasuredSeconds = _o.DurationSeconds;
        result.TurnsSent = Interlocked.Read(ref _turnsSent);
        result.TurnsNotSent = notSent;
        result.TurnsCompleted = _latencyCount;
        result.TurnsTimedOut = live.Count(c => Volatile.Read(ref c.SentAt) is var s && s != 0 && s >= _windowStart && s < _windowEnd);
        result.ErrorFrames = Interlocked.Read(ref _errorFrames);
        result.FirstErrorFrame = _firstError;
        result.UnexpectedCloses = Interlocked.Read(ref _unexpectedCloses);
        result.HeldAtEnd = live.Count(c => c.Socket.State == WebSocketState.Open);
        result.TurnsPerSecond = _latencyCount / _o.DurationSeconds;
        var lat = _latencies.AsSpan(0, Math.Min(_latencyCount, _latencies.Length)).ToArray();
        Array.Sort(lat);
        double Ms(long ticks) => ticks * 1000.0 / freq;
        double Pct(long[] a, double p) => a.Length == 0 ? double.NaN : Ms(a[Math.Min(a.Length - 1, (int)Math.Ceiling(p * a.Length) - 1)]);
        result.P50Ms = Pct(lat, 0.50);
        result.P90Ms = Pct(lat, 0.90);
        result.P99Ms = Pct(lat, 0.99);
        result.P999Ms = Pct(lat, 0.999);
        result.MaxMs = lat.Length == 0 ? double.NaN : Ms(lat[^1]);
        result.MeanMs = lat.Length == 0 ? double.NaN : lat.Average(x => Ms(x));
        var echo = _userEcho.AsSpan(0, Math.Min(_userEchoCount, _userEcho.Length)).ToArray();
        Array.Sort(echo);
        result.UserEchoP50Ms = Pct(echo, 0.50);
        result.UserEchoP99Ms = Pct(echo, 0.99);
        proc.Refresh();
        result.ClientCpuSeconds = proc.TotalProcessorTime.TotalSeconds;
        result.ClientCpuSecondsMeasured = (cpuAtWindowEnd - cpuAtWindowStart).TotalSeconds;

        // Saturation: every conversation sends its next turn as soon as the last one is answered
        // (closed loop, N in flight): the most this path can do, whatever the latency.
        if (_o.SaturationSeconds > 0 && live.Length > 0)
        {
            _saturating = true;
            foreach (var c in live) if (Volatile.Read(ref c.SentAt) == 0 && !c.Closing) SendTurn(c);
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(3, _o.SaturationSeconds)));
            mark("SAT-START");
            var a = Interlocked.Read(ref _satCompleted);
            var t0 = Stopwatch.GetTimestamp();
            await Task.Delay(TimeSpan.FromSeconds(_o.SaturationSeconds));
            var b = Interlocked.Read(ref _satCompleted);
            var secs = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            mark("SAT-END");
            _saturating = false;
            result.SaturationSeconds = secs;
            result.SaturationTurnsPerSecond = (b - a) / secs;
        }

        // Leave: abort every socket (the node's conversations then wait out their grace period).
        foreach (var c in live) { c.Closing = true; c.Socket.Abort(); }
        return result;
    }

    private void SendTurn(Conn c)
    {
        var now = Stopwatch.GetTimestamp();
        Volatile.Write(ref c.SentAt, now);
        if (now >= _windowStart && now < _windowEnd) Interlocked.Increment(ref _turnsSent);
        ValueTask send;
        try { send = c.Socket.SendAsync(_turnBytes.AsMemory(), WebSocketMessageType.Text, true, CancellationToken.None); }
        catch (Exception) { c.Closing = true; return; }
        if (!send.IsCompletedSuccessfully) _ = Observe(send, c);

        static async Task Observe(ValueTask t, Conn c)
        {
            try { await t; } catch (Exception) { c.Closing = true; }
        }
    }

    private async Task ReceiveLoopAsync(Conn c)
    {
        var filled = 0;
        try
        {
            while (true)
            {
                if (filled == c.Buffer.Length) Array.Resize(ref c.Buffer, c.Buffer.Length * 2);
                var read = await c.Socket.ReceiveAsync(c.Buffer.AsMemory(filled), CancellationToken.None);
                if (read.MessageType == WebSocketMessageType.Close)
                {
                    if (!c.Closing) Interlocked.Increment(ref _unexpectedCloses);
                    c.Ready?.TrySetException(new InvalidOperationException("closed: " + c.Socket.CloseStatusDescription));
                    return;
                }
                filled += read.Count;
                if (!read.EndOfMessage) continue;
                OnFrame(c, c.Buffer.AsSpan(0, filled));
                filled = 0;
            }
        }
        catch (Exception ex)
        {
            if (!c.Closing) Interlocked.Increment(ref _unexpectedCloses);
            c.Ready?.TrySetException(ex);
        }
    }

    private static ReadOnlySpan<byte> PType => "type"u8;
    private static ReadOnlySpan<byte> PContent => "content"u8;
    private static ReadOnlySpan<byte> PName => "name"u8;
    private static ReadOnlySpan<byte> PSource => "source"u8;

    private enum Kind { Other, AssistantText, UserText, Opened, Error }

    private void OnFrame(Conn c, ReadOnlySpan<byte> frame)
    {
        var kind = Classify(frame);
        var now = Stopwatch.GetTimestamp();
        switch (kind)
        {
            case Kind.AssistantText:
                if (!c.Ready!.Task.IsCompleted)
                {
                    if (!_node || c.Opened) c.Ready.TrySetResult(); // the greeting
                    return;
                }
                var sent = Volatile.Read(ref c.SentAt);
                if (sent == 0) return;
                if (_saturating)
                {
                    Interlocked.Increment(ref _satCompleted);
                    SendTurn(c);
                    return;
                }
                if (sent >= _windowStart && sent < _windowEnd)
                {
                    var i = Interlocked.Increment(ref _latencyCount) - 1;
                    if (i < _latencies.Length) _latencies[i] = now - sent;
                }
                Volatile.Write(ref c.SentAt, 0);
                break;
            case Kind.UserText:
                var s = Volatile.Read(ref c.SentAt);
                if (s >= _windowStart && s < _windowEnd)
                {
                    var j = Interlocked.Increment(ref _userEchoCount) - 1;
                    if (j < _userEcho.Length) _userEcho[j] = now - s;
                }
                break;
            case Kind.Opened:
                c.Opened = true;
                break;
            case Kind.Error:
                if (Interlocked.Increment(ref _errorFrames) == 1) _firstError = Encoding.UTF8.GetString(frame);
                break;
        }
    }

    /// <summary>Finds type, event name and content.source without allocating.</summary>
    private static Kind Classify(ReadOnlySpan<byte> frame)
    {
        try
        {
            var reader = new Utf8JsonReader(frame);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return Kind.Other;
            bool text = false, evt = false, assistant = false, user = false, opened = false, error = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals(PType))
                {
                    reader.Read();
                    text = reader.ValueTextEquals("text"u8);
                    evt = reader.ValueTextEquals("event"u8);
                    error = reader.ValueTextEquals("error"u8);
                }
                else if (reader.ValueTextEquals(PName))
                {
                    reader.Read();
                    opened = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("opened"u8);
                }
                else if (reader.ValueTextEquals(PContent))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartObject) { reader.Skip(); continue; }
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        if (reader.ValueTextEquals(PSource))
                        {
                            reader.Read();
                            assistant = reader.ValueTextEquals("assistant"u8);
                            user = reader.ValueTextEquals("user"u8);
                        }
                        else { reader.Read(); reader.Skip(); }
                    }
                }
                else { reader.Read(); reader.Skip(); }
            }
            if (error) return Kind.Error;
            if (evt && opened) return Kind.Opened;
            if (text && assistant) return Kind.AssistantText;
            if (text && user) return Kind.UserText;
            return Kind.Other;
        }
        catch (JsonException) { return Kind.Other; }
    }
}
