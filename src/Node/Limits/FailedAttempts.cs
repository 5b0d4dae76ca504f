using Microsoft.Extensions.Options;

namespace Orchestrator.Node.Limits;

/// <summary>
/// Bad tokens and API keys per client address in fixed one-minute windows: an address that reached
/// <see cref="LimitOptions.FailedAttemptsPerMinute"/> is refused (even with a good key) until its
/// window ends, so guessing keys costs a minute per handful of tries. Per node: a guesser spread
/// over nodes gets a multiple, still far too few to matter against 256-bit secrets.
/// </summary>
public sealed class FailedAttempts(IOptions<LimitOptions> options, TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly Dictionary<string, (DateTimeOffset Start, int Count)> _windows = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly int _limit = options.Value.FailedAttemptsPerMinute;

    public bool IsBlocked(string address)
    {
        var now = time.GetUtcNow();
        lock (_lock)
            return _windows.TryGetValue(address, out var w) && now - w.Start < Window && w.Count >= _limit;
    }

    /// <summary>How long until a blocked address may try again.</summary>
    public TimeSpan RetryAfter(string address)
    {
        var now = time.GetUtcNow();
        lock (_lock)
            return _windows.TryGetValue(address, out var w) ? w.Start + Window - now : TimeSpan.Zero;
    }

    public void Record(string address)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            // Old windows are dropped as new failures come, so a scan of many addresses cannot grow the map without bound.
            if (_windows.Count > 10_000)
                foreach (var stale in _windows.Where(e => now - e.Value.Start >= Window).Select(e => e.Key).ToList())
                    _windows.Remove(stale);
            _windows[address] = _windows.TryGetValue(address, out var w) && now - w.Start < Window
                ? (w.Start, w.Count + 1)
                : (now, 1);
        }
    }
}
