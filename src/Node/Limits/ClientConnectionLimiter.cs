using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Orchestrator.Node.Limits;

/// <summary>Conversation sockets per client address per minute (a sliding window of six 10-second segments).</summary>
public sealed class ClientConnectionLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public ClientConnectionLimiter(IOptions<LimitOptions> options)
    {
        var perMinute = options.Value.ClientConnectionsPerMinute;
        _limiter = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetSlidingWindowLimiter(address, _ =>
            new SlidingWindowRateLimiterOptions
            {
                PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), SegmentsPerWindow = 6, QueueLimit = 0, AutoReplenishment = true,
            }));
    }

    public bool TryAcquire(string address)
    {
        using var lease = _limiter.AttemptAcquire(address);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
