namespace Orchestrator.Storage.Webhooks;

/// <summary>
/// An in-process nudge: whoever commits a delivery calls <see cref="Notify"/>, and this node's
/// sender wakes at once instead of at its next poll. Other nodes find the row by polling.
/// </summary>
public sealed class WebhookOutboxSignal
{
    private readonly SemaphoreSlim _pending = new(0, 1);

    public void Notify()
    {
        // At most one wake-up is owed: a burst of writes is one claim round.
        if (_pending.CurrentCount == 0)
        {
            try { _pending.Release(); }
            catch (SemaphoreFullException) { }
        }
    }

    /// <summary>Returns when notified (true) or after <paramref name="timeout"/> (false), whichever comes first.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _pending.WaitAsync(timeout, cancellationToken);
}
