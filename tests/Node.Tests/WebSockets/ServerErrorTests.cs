using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orchestrator.Messages.Integrations;
using Orchestrator.Node.Tests.Infrastructure;
using Orchestrator.Storage.Agents;
using Orchestrator.Storage.Integrations;

namespace Orchestrator.Node.Tests.WebSockets;

public sealed class ServerErrorTests
{
    [Fact]
    public async Task A_database_outage_during_authentication_is_an_error_and_close_1011()
    {
        using var database = TestDatabase.Postgres();
        await using var node = await TestNode.StartAsync(database);
        var agent = await node.Services.GetRequiredService<IAgentStore>().CreateAsync(ChatNodeFixture.DemoAgent());
        var integrations = node.Services.GetRequiredService<IWebIntegrationStore>();
        var integration = await integrations.CreateAsync(new WebIntegration
        {
            Name = "outage", AgentId = agent.AgentId, Features = [new(IntegrationFeatures.AllowWebChat, true)],
        });
        var token = (await integrations.CreateTokenAsync(integration.Id, "t", null))!.Token;

        // Take the database away under the running node.
        var name = new NpgsqlConnectionStringBuilder(database.ConnectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using (var admin = new NpgsqlConnection(TestDatabase.PostgresServer))
        {
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE {name} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }

        await using var client = await ProtocolClient.ConnectAsync(node.WebSocketUri("token=" + token));
        await client.ExpectErrorAndCloseAsync("Internal server error", 1011);
    }
}
