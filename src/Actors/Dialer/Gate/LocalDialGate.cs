using Orchestrator.Messages.Calls;

namespace Orchestrator.Actors.Dialer.Gate;

/// <summary>
/// The gate inside one process, for a SipTelephony used without a cluster (tools and tests that
/// build it by hand): the same rules as the cluster's, counted for this process only.
/// </summary>
public sealed class LocalDialGate(TimeProvider? time = null) : IDialGate
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly DialGateBook _book = new(TimeSpan.FromSeconds(60), TimeSpan.FromHours(4));
    private readonly object _lock = new();

    public Task<IDisposable> AcquireAsync(string leaseKey, IReadOnlyList<DialPool> pools, CancellationToken cancellationToken = default) =>
        DialGateRetry.UntilGrantedAsync<IDisposable>(() =>
        {
            var holder = Guid.NewGuid().ToString();
            DialGateAnswer answer;
            lock (_lock) answer = _book.Acquire(leaseKey, holder, pools, _time.GetUtcNow());
            return Task.FromResult<(DialGateAnswer, IDisposable)>((answer, new Lease(this, leaseKey, holder)));
        }, cancellationToken);

    private sealed class Lease(LocalDialGate gate, string key, string holder) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 1) return;
            lock (gate._lock) gate._book.Release(key, holder);
        }
    }
}
