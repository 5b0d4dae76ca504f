using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Orchestrator.Node.Limits;

/// <summary>A token bucket per API key (keys from configuration share one).</summary>
public sealed class ApiKeyRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public ApiKeyRateLimiter(IOptions<LimitOptions> options)
    {
        var o = options.Value;
        _limiter = PartitionedRateLimiter.Create<string, string>(keyId => RateLimitPartition.GetTokenBucketLimiter(keyId, _ =>
            new TokenBucketRateLimiterOptions
            {
                TokenLimit = o.ApiKeyBurst, TokensPerPeriod = o.ApiKeyRequestsPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1), QueueLimit = 0, AutoReplenishment = true,
            }));
    }

    /// <summary>Null when the request may go; otherwise how long until it could.</summary>
    public TimeSpan? TryAcquire(string apiKeyId)
    {
        using var lease = _limiter.AttemptAcquire(apiKeyId);
        if (lease.IsAcquired) return null;
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
    }

    public void Dispose() => _limiter.Dispose();
}
