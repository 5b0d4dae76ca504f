using System.Text.Json.Nodes;
using Orchestrator.Messages.Webhooks;
using Orchestrator.Storage.Webhooks;

namespace Orchestrator.Node.Tests.Webhooks;

/// <summary>The node's outbox sender against a real receiver on loopback.</summary>
[Collection(WebhookNodeCollection.Name)]
public sealed class WebhookSenderTests(WebhookNodeFixture fixture)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static WebhookDelivery Delivery(string url, string? secret = null) 
    {
        var id = WebhookDeliveryIds.New();
        return new WebhookDelivery
        {
            DeliveryId = id, AgentId = "agent-x", Type = WebhookTypes.Completed, Url = url,
            Headers = new() { ["X-Team"] = "sales" }, Secret = secret,
            Body = new JsonObject { ["type"] = WebhookTypes.Completed, ["deliveryId"] = id, ["text"] = "héllo \"quoted\"" }.ToJsonString(),
            CreatedTime = DateTimeOffset.UtcNow, NextAttemptTime = DateTimeOffset.UtcNow,
        };
    }

    [Fact]
    public async Task A_receiver_that_fails_at_first_gets_every_delivery_signed_once_it_answers_200()
    {
        await using var receiver = await WebhookReceiver.StartAsync(secret: "whsec_test");
        receiver.Answer = (_, attempt) => (attempt <= 2 ? 500 : 200, null);
        var deliveries = Enumerable.Range(0, 5).Select(_ => Delivery(receiver.Url(), "whsec_test")).ToList();
        foreach (var d in deliveries) Assert.True(await fixture.Outbox.EnqueueAsync(d));

        await receiver.WaitUntilAsync(r => r.Accepted.Select(a => a.DeliveryId).Distinct().Count() == 5, Wait, "five accepted deliveries");

        foreach (var d in deliveries)
        {
            var requests = receiver.Received.Where(r => r.DeliveryId == d.DeliveryId).OrderBy(r => r.At).ToList();
            Assert.Equal([500, 500, 200], requests.Select(r => r.AnsweredWith));
            Assert.All(requests, r =>
            {
                Assert.True(r.SignatureValid, $"signature {r.Signature} of {r.Body}");
                Assert.Equal(d.Body, r.Body);
                Assert.Equal("sales", r.Headers["X-Team"]);
                Assert.StartsWith("application/json", r.Headers["Content-Type"]);
            });
            // Backoff 1 s then 2 s (lower bounds only: a loaded machine may be later, never earlier).
            Assert.True(requests[1].At - requests[0].At >= TimeSpan.FromMilliseconds(900), $"{requests[1].At - requests[0].At}");
            Assert.True(requests[2].At - requests[1].At >= TimeSpan.FromMilliseconds(1900), $"{requests[2].At - requests[1].At}");

            var stored = await WebhookNodeFixture.WaitForDeliveryAsync(fixture.Outbox, d.DeliveryId,
                x => x.Status == WebhookDeliveryStatuses.Delivered, Wait);
            Assert.Equal(3, stored.Attempts);
            Assert.Equal(200, stored.LastStatusCode);
            Assert.Null(stored.LastError);
            Assert.Null(stored.NextAttemptTime);
        }
        Assert.Equal(15, receiver.Received.Count);
    }

    [Fact]
    public async Task A_4xx_is_recorded_and_not_retried()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = (_, _) => (410, """{"error":"gone"}""");
        var d = Delivery(receiver.Url());
        await fixture.Outbox.EnqueueAsync(d);

        var stored = await WebhookNodeFixture.WaitForDeliveryAsync(fixture.Outbox, d.DeliveryId,
            x => x.Status != WebhookDeliveryStatuses.Pending, Wait);
        Assert.Equal(WebhookDeliveryStatuses.Failed, stored.Status);
        Assert.Equal(1, stored.Attempts);
        Assert.Equal(410, stored.LastStatusCode);
        Assert.Equal("""The receiver answered 410: {"error":"gone"}.""", stored.LastError);
        Assert.Null(stored.NextAttemptTime);

        await Task.Delay(TimeSpan.FromSeconds(2.5)); // longer than the first two backoffs
        Assert.Single(receiver.Received, r => r.DeliveryId == d.DeliveryId);
        // Without a secret there is no signature, but the delivery id is always sent.
        Assert.Null(receiver.Received.Single().Signature);
        Assert.Equal(d.DeliveryId, receiver.Received.Single().DeliveryId);
    }

    [Fact]
    public async Task A_receiver_that_cannot_be_reached_stays_pending_with_the_error_and_the_next_attempt()
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }
        var d = Delivery($"http://127.0.0.1:{port}/nobody-listens");
        await fixture.Outbox.EnqueueAsync(d);

        var stored = await WebhookNodeFixture.WaitForDeliveryAsync(fixture.Outbox, d.DeliveryId, x => x.Attempts >= 1, Wait);
        Assert.Equal(WebhookDeliveryStatuses.Pending, stored.Status);
        Assert.Null(stored.LastStatusCode);
        Assert.StartsWith("Could not reach the receiver:", stored.LastError);
        Assert.NotNull(stored.NextAttemptTime);
        Assert.True(stored.NextAttemptTime > stored.CreatedTime);
    }
}
