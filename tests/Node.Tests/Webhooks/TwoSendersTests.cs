using Microsoft.Extensions.Configuration;
using Orchestrator.Messages.Webhooks;
using Orchestrator.Node.Tests.Infrastructure;
using Orchestrator.Node.Webhooks;
using Orchestrator.Storage;
using Orchestrator.Storage.Database;
using Orchestrator.Storage.Webhooks;

namespace Orchestrator.Node.Tests.Webhooks;

/// <summary>Two nodes' senders on one PostgreSQL outbox, as in a cluster: each delivery is sent once.</summary>
public sealed class TwoSendersTests
{
    private static ServiceProvider Sender(TestDatabase database) => new ServiceCollection()
        .AddLogging()
        .AddOrchestratorStorage(Configuration(database))
        .AddWebhooks(Configuration(database))
        .BuildServiceProvider();

    private static IConfiguration Configuration(TestDatabase database) => new ConfigurationBuilder().AddInMemoryCollection(
        new Dictionary<string, string?>
        {
            ["Orchestrator:Storage:Provider"] = database.Provider,
            ["Orchestrator:Storage:ConnectionString"] = database.ConnectionString,
            ["Orchestrator:Webhooks:PollInterval"] = "00:00:00.050",
            ["Orchestrator:Webhooks:BatchSize"] = "5",
            ["Orchestrator:Webhooks:Concurrency"] = "4",
        }).Build();

    [Fact]
    public async Task Two_senders_share_the_outbox_and_send_each_delivery_once()
    {
        using var database = TestDatabase.Postgres();
        await using var receiver = await WebhookReceiver.StartAsync(secret: "k");
        await using var a = Sender(database);
        await using var b = Sender(database);
        await a.GetRequiredService<DatabaseInitializer>().EnsureCreatedAsync();

        var outbox = a.GetRequiredService<SqlWebhookOutbox>();
        var ids = new List<string>();
        for (var i = 0; i < 120; i++)
        {
            var id = WebhookDeliveryIds.New();
            ids.Add(id);
            await outbox.EnqueueAsync(new WebhookDelivery
            {
                DeliveryId = id, Type = WebhookTypes.Completed, Url = receiver.Url(), Secret = "k",
                Body = $$"""{"deliveryId":"{{id}}","n":{{i}}}""", CreatedTime = DateTimeOffset.UtcNow, NextAttemptTime = DateTimeOffset.UtcNow,
            });
        }

        var senders = new[] { a, b }.Select(p => p.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<WebhookSender>().Single()).ToList();
        foreach (var sender in senders) await sender.StartAsync(CancellationToken.None);
        try
        {
            await receiver.WaitUntilAsync(r => r.Accepted.Count >= ids.Count, TimeSpan.FromSeconds(60), "every delivery");
            await Task.Delay(500); // anything sent twice would arrive by now
        }
        finally
        {
            foreach (var sender in senders) await sender.StopAsync(CancellationToken.None);
        }

        Assert.Equal(ids.Order(), receiver.Received.Select(r => r.DeliveryId!).Order());
        Assert.All(receiver.Received, r => Assert.True(r.SignatureValid));
        var delivered = await outbox.ListAsync(null, WebhookDeliveryStatuses.Delivered, 0, 1000);
        Assert.Equal(ids.Count, delivered.Total);
        Assert.All(delivered.Items, d => Assert.Equal(1, d.Attempts));
    }
}
