using Orchestrator.Messages.Calls;

namespace Orchestrator.Actors.Dialer.Gate;

/// <summary>
/// Where a dial takes its share of every limit before it sends its INVITE (SipTelephony asks it
/// for every call, queued or from a socket). Disposing the lease gives the share back.
/// </summary>
public interface IDialGate
{
    /// <summary>
    /// Takes the lease <paramref name="leaseKey"/> (the conversation id) in <paramref name="pools"/>.
    /// Throws <see cref="DialRefusedException"/> when a limit refuses it; waits when a reserved lease
    /// only has to wait for its dial token.
    /// </summary>
    Task<IDisposable> AcquireAsync(string leaseKey, IReadOnlyList<DialPool> pools, CancellationToken cancellationToken = default);
}

public sealed class DialRefusedException(string message) : Exception(message);

/// <summary>The waiting shared by the gates: ask, and while told to wait, wait and ask again, up to a bound.</summary>
internal static class DialGateRetry
{
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(10);

    public static async Task<T> UntilGrantedAsync<T>(Func<Task<(DialGateAnswer Answer, T Lease)>> ask, CancellationToken ct) where T : class
    {
        var waited = TimeSpan.Zero;
        while (true)
        {
            var (answer, lease) = await ask().ConfigureAwait(false);
            if (answer.Granted) return lease;
            if (answer.RetryAfter is not { } after || waited + after > MaxWait)
                throw new DialRefusedException(answer.Refusal ?? "refused by the dial gate");
            await Task.Delay(after, ct).ConfigureAwait(false);
            waited += after;
        }
    }
}
