using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Orchestrator.Cluster.Tests.Infrastructure;

/// <summary>
/// One client's chat with the demo agent through a cluster: it remembers every turn the agent
/// answered (acknowledged), so a test can check none is missing after a failure.
/// </summary>
public sealed class ChatSession : IAsyncDisposable
{
    private readonly string _agentId;
    public string ConversationId { get; private set; } = "";
    public ProtocolClient Client { get; private set; } = null!;
    public TestCluster.Member Node { get; private set; } = null!;
    /// <summary>The user turns the agent answered, in order.</summary>
    public List<string> Acknowledged { get; } = [];
    private int _turn;

    private ChatSession(string agentId) => _agentId = agentId;

    /// <summary>
    /// Creates the demo agent through the REST API of <paramref name="node"/>, changed by
    /// <paramref name="configure"/> when given; returns its id.
    /// </summary>
    public static async Task<string> CreateDemoAgentAsync(TestCluster.Member node, Action<JsonObject>? configure = null)
    {
        var agent = JsonNode.Parse(File.ReadAllText(Path.Combine(NodeProcess.NodeDirectory, "Demo", "demo-agent.json")))!.AsObject();
        configure?.Invoke(agent);
        using var http = node.Client();
        var response = await http.PostAsJsonAsync("/api/v1/agents", agent);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["agentId"]!.GetValue<string>();
    }

    private string Query => $"authorization={NodeSettings.ApiKey}&agentId={_agentId}";

    public static async Task<ChatSession> StartAsync(TestCluster.Member node, string agentId)
    {
        var session = new ChatSession(agentId) { Node = node };
        session.Client = await ProtocolClient.ConnectAsync(node.WebSocketUri(session.Query));
        await session.Client.InitializeAsync();
        // A cluster that has just formed allocates its first shards now: on a loaded machine that takes seconds.
        session.ConversationId = (await session.Client.ExpectAsync("event", "connection", TimeSpan.FromSeconds(30)))["data"]!["conversationId"]!.GetValue<string>();
        Assert.StartsWith("Hello there", (await session.Client.ExpectAsync("text", wait: TimeSpan.FromSeconds(20)))["content"]!["text"]!.GetValue<string>());
        return session;
    }

    /// <summary>One turn the agent answers with its opening hours; counted once answered.</summary>
    public async Task TurnAsync(TimeSpan? wait = null)
    {
        var text = $"what are your opening hours? (turn {++_turn} of {ConversationId[..8]})";
        await Client.SayAsync(text);
        var user = await Client.ExpectAsync("text", wait: wait);
        Assert.Equal(text, user["content"]!["text"]!.GetValue<string>());
        var answer = await Client.ExpectAsync("text", wait: wait);
        Assert.StartsWith("We're open", answer["content"]!["text"]!.GetValue<string>());
        Acknowledged.Add(text);
    }

    /// <summary>
    /// Resumes on <paramref name="node"/> with a new socket, retrying every few seconds while the
    /// conversation cannot be reached yet (its node is dead and not yet downed). The replayed
    /// transcript must hold every acknowledged turn.
    /// </summary>
    public async Task ResumeAsync(TestCluster.Member node, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        Client.Abort();
        await Client.DisposeAsync();
        while (true)
        {
            var client = await ProtocolClient.ConnectAsync(node.WebSocketUri(Query));
            await client.ResumeAsync(ConversationId);
            try
            {
                await client.ExpectAsync("event", "connection", TimeSpan.FromSeconds(3));
            }
            catch (OperationCanceledException) when (DateTime.UtcNow < deadline)
            {
                client.Abort();
                await client.DisposeAsync();
                continue;
            }
            await client.NextAsync("event", "opened");
            var lines = new List<(string Source, string Text)>();
            for (var i = 0; i < 1 + 2 * Acknowledged.Count; i++)
            {
                var frame = await client.NextAsync("text");
                lines.Add((frame["content"]!["source"]!.GetValue<string>(), frame["content"]!["text"]!.GetValue<string>()));
            }
            Assert.Equal(Acknowledged, lines.Where(l => l.Source == "user").Select(l => l.Text).ToList());
            Client = client;
            Node = node;
            return;
        }
    }

    /// <summary>Reads until the server closes the socket; no frame on the way may be an error. Returns the close code.</summary>
    public async Task<int> ExpectCloseWithoutErrorAsync(TimeSpan wait)
    {
        while (await Client.ReceiveAsync(wait) is { } frame)
            Assert.NotEqual("error", frame["type"]!.GetValue<string>());
        return (int)Client.CloseStatus!.Value;
    }

    /// <summary>Says goodbye; the agent ends the conversation and its result is stored.</summary>
    public async Task EndAsync()
    {
        await Client.SayAsync("bye");
        await Client.ExpectAsync("conversationResult", wait: TimeSpan.FromSeconds(20));
    }

    public ValueTask DisposeAsync() => Client.DisposeAsync();
}
