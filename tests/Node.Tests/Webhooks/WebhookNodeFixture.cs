using Orchestrator.Node.Tests.Infrastructure;
using Orchestrator.Storage.Webhooks;

namespace Orchestrator.Node.Tests.Webhooks;

/// <summary>A real node (SQLite) whose webhook sender polls every 100 ms, shared by the webhook tests.</summary>
public sealed class WebhookNodeFixture : IAsyncLifetime
{
    public static readonly Dictionary<string, string?> Settings = new()
    {
        ["Orchestrator:Webhooks:PollInterval"] = "00:00:00.100",
    };

    private TestDatabase? _database;
    public TestNode Node { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;
    public SqlWebhookOutbox Outbox => Node.Services.GetRequiredService<SqlWebhookOutbox>();

    public async Task InitializeAsync()
    {
        _database = TestDatabase.Sqlite();
        Node = await TestNode.StartAsync(_database, Settings);
        Client = Node.CreateClient();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Node.DisposeAsync();
        _database?.Dispose();
    }

    /// <summary>Polls the outbox until the delivery matches <paramref name="condition"/>.</summary>
    public static async Task<WebhookDelivery> WaitForDeliveryAsync(SqlWebhookOutbox outbox, string deliveryId,
        Func<WebhookDelivery, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var delivery = await outbox.GetAsync(deliveryId);
            if (delivery is not null && condition(delivery)) return delivery;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Delivery {deliveryId} is {(delivery is null ? "missing" : $"{delivery.Status} after {delivery.Attempts} attempts ({delivery.LastError})")}");
            await Task.Delay(50);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class WebhookNodeCollection : ICollectionFixture<WebhookNodeFixture>
{
    public const string Name = "Webhook node";
}
