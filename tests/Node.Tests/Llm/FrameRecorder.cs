using System.Diagnostics;
using System.Text.Json.Nodes;
using Orchestrator.Node.Tests.Infrastructure;

namespace Orchestrator.Node.Tests.Llm;

/// <summary>
/// Reads every frame of a protocol socket in the background and stamps it with the time it came
/// (ms on the caller's clock), so a test can ask what had arrived by a given moment of a call.
/// </summary>
internal sealed class FrameRecorder : IAsyncDisposable
{
    private readonly ProtocolClient _client;
    private readonly Func<double> _now;
    private readonly object _gate = new();
    private readonly List<(double AtMs, JsonObject Frame)> _frames = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public FrameRecorder(ProtocolClient client, Func<double> now)
    {
        _client = client;
        _now = now;
        _loop = Task.Run(ReadAsync);
    }

    public IReadOnlyList<(double AtMs, JsonObject Frame)> Frames
    {
        get { lock (_gate) return [.. _frames]; }
    }

    /// <summary>True once the server closed the socket.</summary>
    public bool Closed { get; private set; }

    private async Task ReadAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            JsonObject? frame;
            try { frame = await _client.ReceiveAsync(TimeSpan.FromMinutes(5)); }
            catch (Exception e) when (e is OperationCanceledException or System.Net.WebSockets.WebSocketException or ObjectDisposedException)
            {
                break;
            }
            if (frame is null) break;
            lock (_gate) _frames.Add((_now(), frame));
        }
        Closed = true;
    }

    /// <summary>The first frame matching <paramref name="match"/>, waited for; fails with what came instead.</summary>
    public async Task<(double AtMs, JsonObject Frame)> WaitForAsync(Func<JsonObject, bool> match, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            foreach (var entry in Frames)
                if (match(entry.Frame)) return entry;
            if (clock.Elapsed > timeout || Closed)
                throw new Xunit.Sdk.XunitException($"No {what} within {timeout.TotalSeconds:F0} s{(Closed ? " (socket closed)" : "")}; frames: "
                    + string.Join(" | ", Frames.Select(f => f.Frame.ToJsonString())));
            await Task.Delay(20);
        }
    }

    public static bool IsText(JsonObject frame, string source, bool potential) =>
        frame["type"]?.GetValue<string>() == "text"
        && frame["content"]?["source"]?.GetValue<string>() == source
        && (frame["content"]?["type"]?.GetValue<string>() == "potential") == potential;

    public static string Text(JsonObject frame) => frame["content"]!["text"]!.GetValue<string>();

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try { await _loop.WaitAsync(TimeSpan.FromSeconds(3)); }
        catch (TimeoutException) { }
    }
}
