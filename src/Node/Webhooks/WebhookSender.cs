using Microsoft.Extensions.Options;
using Orchestrator.Storage.Webhooks;

namespace Orchestrator.Node.Webhooks;

/// <summary>
/// Sends the outbox. Every node runs one: a claim leases rows in the database, so two nodes never
/// send the same row at once, and a node that dies mid-send leaves a lease that runs out and a
/// row that another sender picks up (its receiver may then see it twice, hence the delivery id).
/// Wakes at once when this node writes a delivery, otherwise every poll interval.
/// </summary>
public sealed class WebhookSender(
    SqlWebhookOutbox outbox, WebhookOutboxSignal signal, WebhookPoster poster, TimeProvider time,
    IOptions<WebhookOptions> options, ILogger<WebhookSender> log) : BackgroundService
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    // Longer than any one send (the time-out plus recording), so a live sender never loses its lease.
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.SenderEnabled)
        {
            log.LogInformation("The webhook sender is off on this node ({Section}:SenderEnabled)", WebhookOptions.Section);
            return;
        }
        var inFlight = new List<Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            inFlight.RemoveAll(t => t.IsCompleted);
            if (inFlight.Count >= settings.Concurrency)
            {
                await Task.WhenAny(inFlight);
                continue;
            }

            IReadOnlyList<ClaimedDelivery> claimed;
            try
            {
                claimed = await outbox.ClaimDueAsync(Math.Min(settings.BatchSize, settings.Concurrency - inFlight.Count), Lease, stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                log.LogWarning(e, "Reading the webhook outbox failed; trying again in {Interval}", settings.PollInterval);
                claimed = [];
            }

            foreach (var claim in claimed)
                inFlight.Add(SendAsync(claim, stoppingToken));

            // A full batch means more may be due: read again at once.
            if (claimed.Count == 0)
            {
                try { await signal.WaitAsync(settings.PollInterval, stoppingToken); }
                catch (OperationCanceledException) { break; }
            }
        }
        // Sends cut short by the stop are not recorded; their leases run out and they go again.
        try { await Task.WhenAll(inFlight); } catch (OperationCanceledException) { }
    }

    private async Task SendAsync(ClaimedDelivery claim, CancellationToken stoppingToken)
    {
        var delivery = claim.Delivery;
        try
        {
            var response = await poster.PostAsync(delivery.Url, delivery.Headers, delivery.Secret, delivery.Body,
                delivery.DeliveryId, Timeout, readBody: false, stoppingToken);
            var update = WebhookRetryPolicy.Decide(delivery.Attempts, delivery.CreatedTime,
                new WebhookAttemptOutcome(response.StatusCode, response.Error), time.GetUtcNow());
            Observability.OrchestratorMetrics.WebhookDelivery(update.Status == WebhookDeliveryStatuses.Pending ? "retried" : update.Status);
            if (!await outbox.RecordAttemptAsync(claim, update, CancellationToken.None))
                log.LogWarning("Webhook {DeliveryId}: its lease ran out before the attempt was recorded", delivery.DeliveryId);
            else if (update.Status == WebhookDeliveryStatuses.Failed)
                log.LogWarning("Webhook {DeliveryId} ({Type}) to {Url} failed for good after {Attempts} attempts: {Error}",
                    delivery.DeliveryId, delivery.Type, delivery.Url, update.Attempts, update.LastError);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // The lease runs out and the row is sent again: nothing is lost, at worst sent twice.
            log.LogError(e, "Webhook {DeliveryId}: recording its attempt failed", delivery.DeliveryId);
        }
    }
}
