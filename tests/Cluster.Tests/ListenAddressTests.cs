using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Orchestrator.Cluster.Tests.Infrastructure;

namespace Orchestrator.Cluster.Tests;

/// <summary>
/// The node process chooses its addresses the ASP.NET Core way: ASPNETCORE_URLS, ASPNETCORE_HTTP_PORTS
/// and --urls all work, settings come from <c>__</c> environment variables and the command line, and
/// with none of them it listens on loopback port 5080.
/// </summary>
public sealed class ListenAddressTests : IDisposable
{
    private readonly TestDatabase _database = TestDatabase.Sqlite();

    private async Task<NodeProcess> StartAsync(Dictionary<string, string> extra, params string[] args)
    {
        var env = NodeSettings.For(_database);
        foreach (var (k, v) in extra) env[k] = v;
        var node = NodeProcess.Start("listen", env, args);
        await node.WaitStartedAsync();
        return node;
    }

    private static async Task AssertHealthyAt(string baseAddress)
    {
        using var http = NodeSettings.Client(new Uri(baseAddress));
        var health = await http.GetFromJsonAsync<JsonObject>("/healthz");
        Assert.Equal("Healthy", health!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task ASPNETCORE_URLS_chooses_the_address()
    {
        var port = FreePort.Next();
        await using var node = await StartAsync(new() { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}" });
        Assert.Equal([$"http://127.0.0.1:{port}"], node.ListeningOn);
        await AssertHealthyAt($"http://127.0.0.1:{port}");
    }

    [Fact]
    public async Task ASPNETCORE_HTTP_PORTS_listens_on_every_interface()
    {
        var port = FreePort.Next();
        await using var node = await StartAsync(new() { ["ASPNETCORE_HTTP_PORTS"] = port.ToString() });
        Assert.Equal([$"http://[::]:{port}"], node.ListeningOn);
        await AssertHealthyAt($"http://127.0.0.1:{port}");
    }

    [Fact]
    public async Task The_urls_argument_chooses_the_address_and_wins_over_the_environment()
    {
        var port = FreePort.Next();
        await using var node = await StartAsync(new() { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePort.Next()}" },
            "--urls", $"http://127.0.0.1:{port}");
        Assert.Equal([$"http://127.0.0.1:{port}"], node.ListeningOn);
        await AssertHealthyAt($"http://127.0.0.1:{port}");
    }

    [Fact]
    public async Task With_no_address_given_the_node_listens_on_loopback_port_5080()
    {
        var node = NodeProcess.Start("default", NodeSettings.For(_database));
        await using (node)
        {
            try
            {
                await node.WaitStartedAsync();
            }
            catch (InvalidOperationException) when (node.Output.Contains("address already in use") && node.Output.Contains("127.0.0.1:5080"))
            {
                // Someone else on this machine holds 5080: the node still tried exactly that address.
                return;
            }
            Assert.Equal(["http://127.0.0.1:5080"], node.ListeningOn);
        }
    }

    [Fact]
    public async Task Settings_come_from_double_underscore_variables_and_from_the_command_line()
    {
        var httpPort = FreePort.Next();
        var envAkkaPort = FreePort.Next();
        await using (var node = await StartAsync(new()
                     {
                         ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{httpPort}", ["Orchestrator__Cluster__Port"] = envAkkaPort.ToString(),
                     }))
        {
            Assert.EndsWith($":{envAkkaPort}", await SelfAddressAsync(httpPort));
        }

        var argAkkaPort = FreePort.Next();
        await using (var node = await StartAsync(new() { ["Orchestrator__Cluster__Port"] = envAkkaPort.ToString() },
                         "--urls", $"http://127.0.0.1:{httpPort}", $"--Orchestrator:Cluster:Port={argAkkaPort}"))
        {
            Assert.EndsWith($":{argAkkaPort}", await SelfAddressAsync(httpPort));
        }
    }

    private static async Task<string> SelfAddressAsync(int httpPort)
    {
        using var http = NodeSettings.Client(new Uri($"http://127.0.0.1:{httpPort}"));
        var cluster = await http.GetFromJsonAsync<JsonObject>("/api/v1/misc/cluster");
        return cluster!["self"]!.GetValue<string>();
    }

    public void Dispose() => _database.Dispose();
}
