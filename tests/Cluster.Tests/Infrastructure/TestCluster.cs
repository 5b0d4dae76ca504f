using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Orchestrator.Cluster.Tests.Infrastructure;

/// <summary>
/// Three (or more) real node processes on loopback, one PostgreSQL database of their own, each
/// with its own HTTP and Akka port, forming one cluster from the same static seed list.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly Dictionary<string, string> _common;
    private readonly List<Member> _members = [];

    public sealed record Member(int Index, int HttpPort, int AkkaPort)
    {
        public NodeProcess Process { get; set; } = null!;
        public Uri BaseAddress => new($"http://127.0.0.1:{HttpPort}");
        public string AkkaAddress => $"akka.tcp://orchestrator@127.0.0.1:{AkkaPort}";
        public Uri WebSocketUri(string query) => new($"ws://127.0.0.1:{HttpPort}/api/v1/ws/webCall?{query}");
        public HttpClient Client() => NodeSettings.Client(BaseAddress);
    }

    public TestDatabase Database { get; }
    public IReadOnlyList<Member> Members => _members;

    private TestCluster(TestDatabase database, Dictionary<string, string> common)
    {
        Database = database;
        _common = common;
    }

    /// <summary>Starts <paramref name="size"/> nodes at once and waits until every one sees all of them up.</summary>
    public static async Task<TestCluster> StartAsync(int size = 3, IReadOnlyDictionary<string, string>? settings = null,
        Func<TestDatabase, Dictionary<string, string>>? environment = null)
    {
        var database = TestDatabase.Postgres();
        var common = (environment ?? NodeSettings.For)(database);
        foreach (var (k, v) in settings ?? new Dictionary<string, string>()) common[k] = v;
        var cluster = new TestCluster(database, common);
        for (var i = 0; i < size; i++) cluster._members.Add(new Member(i, FreePort.Next(), FreePort.Next()));
        try
        {
            foreach (var member in cluster._members) cluster.Launch(member);
            await Task.WhenAll(cluster._members.Select(m => m.Process.WaitStartedAsync(TimeSpan.FromSeconds(90))));
            await cluster.WaitForMembersAsync(size, TimeSpan.FromSeconds(60));
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    /// <summary>The environment a member is started with: the common settings, its ports and the seed list.</summary>
    public Dictionary<string, string> EnvironmentOf(Member member)
    {
        var env = new Dictionary<string, string>(_common)
        {
            // The given host (loopback unless the environment names one, e.g. 0.0.0.0), this member's port.
            ["ASPNETCORE_URLS"] = new UriBuilder(_common.GetValueOrDefault("ASPNETCORE_URLS", "http://127.0.0.1"))
                { Port = member.HttpPort }.Uri.ToString().TrimEnd('/'),
            ["Orchestrator__Cluster__Port"] = member.AkkaPort.ToString(),
        };
        for (var i = 0; i < _members.Count; i++) env[$"Orchestrator__Cluster__SeedNodes__{i}"] = _members[i].AkkaAddress;
        return env;
    }

    private void Launch(Member member) => member.Process = NodeProcess.Start($"node{member.Index}", EnvironmentOf(member));

    /// <summary>Starts a stopped or killed member again on the same ports and waits until it is up in the cluster.</summary>
    public async Task RestartAsync(Member member)
    {
        await member.Process.DisposeAsync();
        Launch(member);
        await member.Process.WaitStartedAsync(TimeSpan.FromSeconds(90));
        await WaitForMembersAsync(_members.Count, TimeSpan.FromSeconds(60));
    }

    public IEnumerable<Member> Running => _members.Where(m => !m.Process.HasExited);

    /// <summary>This member's view of the cluster, from GET /api/v1/misc/cluster.</summary>
    public static async Task<JsonObject> ViewAsync(Member member)
    {
        using var http = member.Client();
        return (await http.GetFromJsonAsync<JsonObject>("/api/v1/misc/cluster"))!;
    }

    public static int UpCount(JsonObject view) =>
        view["members"]!.AsArray().Count(m => m!["status"]!.GetValue<string>() == "Up");

    /// <summary>Waits until every running member sees exactly <paramref name="count"/> members up and none unreachable.</summary>
    public async Task WaitForMembersAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = "";
        while (true)
        {
            var settled = true;
            foreach (var member in Running)
            {
                try
                {
                    var view = await ViewAsync(member);
                    last = $"node{member.Index}: {view.ToJsonString()}";
                    if (UpCount(view) != count || view["members"]!.AsArray().Count != count || view["unreachable"]!.AsArray().Count > 0)
                        settled = false;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    last = $"node{member.Index}: {ex.Message}";
                    settled = false;
                }
            }
            if (settled) return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The cluster did not settle on {count} members within {timeout}; last view {last}\n"
                                           + string.Join("\n\n", _members.Select(m => $"--- node{m.Index}\n{Tail(m.Process.Output)}")));
            await Task.Delay(250);
        }
    }

    /// <summary>A conversation's stored result through <paramref name="member"/>'s REST API, polled until it is there.</summary>
    public async Task<JsonObject> ResultAsync(Member member, string conversationId)
    {
        using var http = member.Client();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            var response = await http.GetAsync($"/api/v1/callresults/{conversationId}");
            if (response.IsSuccessStatusCode) return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"No stored result for {conversationId}: {(int)response.StatusCode}");
            await Task.Delay(200);
        }
    }

    /// <summary>The user's lines of a stored transcript, in order.</summary>
    public static List<string> UserLines(JsonObject result) =>
        [.. result["transcription"]!.AsArray().Where(l => l!["speaker"]!.GetValue<string>() == "user").Select(l => l!["text"]!.GetValue<string>())];

    private static string Tail(string output) => output.Length > 4000 ? output[^4000..] : output;

    /// <summary>The output of every member, for a failing test's message.</summary>
    public string Logs() => string.Join("\n\n", _members.Select(m => $"--- node{m.Index}\n{Tail(m.Process.Output)}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var member in _members.Where(m => m.Process is not null)) await member.Process.DisposeAsync();
        Database.Dispose();
    }
}
