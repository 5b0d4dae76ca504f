using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orchestrator.Node.Tests.Api;
using Orchestrator.Node.Tests.Infrastructure;

namespace Orchestrator.Node.Tests.Limits;

/// <summary>
/// Runs a flow through the endpoints that take secrets, good and bad, with every log line the node
/// writes at its configured levels captured, and checks no secret appears in any of them.
/// </summary>
public sealed class SecretsInLogsTests
{
    [Fact]
    public async Task No_key_token_or_password_reaches_the_log()
    {
        var lines = new ConcurrentQueue<string>();
        using var database = TestDatabase.Sqlite();
        await using var node = await TestNode.StartAsync(database, new Dictionary<string, string?> { ["Orchestrator:Drain:ReadinessDelay"] = "00:00:00" },
            b => b.Logging.AddProvider(new LogCapture(lines)));
        using var admin = node.CreateClient();
        var secrets = new List<string> { TestNode.ApiKey };

        var key = (string)(await (await admin.PostAsync("/api/v1/api-keys",
            new JsonObject { ["name"] = "ops", ["scopes"] = new JsonArray("agents", "calls") }.Json())).ExpectAsync(HttpStatusCode.Created))["key"]!;
        secrets.Add(key);
        using var scoped = node.CreateClient(authorized: false);
        scoped.DefaultRequestHeaders.Authorization = new("Bearer", key);
        var agent = await scoped.CreateAgentAsync();
        var integration = await scoped.CreateIntegrationAsync((string)agent["agentId"]!);
        var token = (string)(await (await scoped.PostAsync($"/api/v1/web-integrations/{integration["id"]}/tokens",
            new JsonObject { ["name"] = "site" }.Json())).ExpectAsync(HttpStatusCode.Created))["token"]!;
        secrets.Add(token);

        const string password = "trunk-password-5f1c9e";
        secrets.Add(password);
        await (await scoped.PostAsync("/api/v1/sip-trunks", new JsonObject
        {
            ["name"] = "carrier", ["server"] = "127.0.0.1:5999", ["authUser"] = "u", ["authPassword"] = password,
        }.Json())).ExpectAsync(HttpStatusCode.Created);

        // Wrong secrets are secrets too: a mistyped key is usually one character off the real one.
        const string wrongKey = "oak_wrong-key-3b9d1a";
        const string wrongToken = "wit_wrong-token-77c2e0";
        secrets.AddRange([wrongKey, wrongToken]);
        using var wrong = node.CreateClient(authorized: false);
        wrong.DefaultRequestHeaders.Authorization = new("Bearer", wrongKey);
        await (await wrong.GetAsync("/api/v1/agents")).ExpectProblemAsync(HttpStatusCode.Unauthorized);
        await using (var bad = await ProtocolClient.ConnectAsync(node.WebSocketUri("token=" + wrongToken)))
            await bad.ExpectErrorAndCloseAsync("Invalid token", 1008);
        await using (var badKey = await ProtocolClient.ConnectAsync(node.WebSocketUri($"authorization={wrongKey}&agentId={agent["agentId"]}")))
            await badKey.ExpectErrorAndCloseAsync("Invalid token", 1008);

        // A conversation by token (Origin allowed) and one by API key.
        await using (var chat = await ProtocolClient.ConnectAsync(node.WebSocketUri("token=" + Uri.EscapeDataString(token)), origin: "http://localhost:3000"))
        {
            await chat.InitializeAsync();
            await chat.ExpectAsync("event", "opened", ProtocolClient.StartWait);
            await chat.TerminateAsync();
            await chat.ExpectAsync("event", "closed", ProtocolClient.StartWait);
        }
        await using (var server = await ProtocolClient.ConnectAsync(node.WebSocketUri($"agentId={agent["agentId"]}"), bearer: key))
        {
            await server.InitializeAsync();
            await server.ExpectAsync("event", "opened", ProtocolClient.StartWait);
            await server.TerminateAsync();
            await server.ExpectAsync("event", "closed", ProtocolClient.StartWait);
        }

        // An LLM agent whose model server is down and whose result webhook's receiver is too: both failures are
        // logged, their secrets are not.
        const string llmKey = "sk-llm-secret-8d2f71";
        const string hookSecret = "hook-secret-4a90be";
        secrets.AddRange([llmKey, hookSecret]);
        var llm = ApiTestExtensions.ValidAgent("LLM agent");
        var config = llm["config"]!.AsObject();
        config["llmConfig"] = new JsonObject { ["vendor"] = "openai", ["endpoint"] = "http://127.0.0.1:9/v1", ["model"] = "m", ["apiKey"] = llmKey };
        config["resultWebhook"] = new JsonObject { ["url"] = "http://127.0.0.1:9/result", ["secret"] = hookSecret };
        // The keys of the agent's own speech servers (issue 9) are secrets of the same kind.
        const string sttKey = "sk-stt-secret-51a0c3";
        const string ttsKey = "sk-tts-secret-9e77d2";
        secrets.AddRange([sttKey, ttsKey]);
        config["sttConfig"] = new JsonObject { ["vendor"] = "openai", ["endpoint"] = "http://127.0.0.1:9/v1", ["apiKey"] = sttKey };
        config["ttsConfig"] = new JsonObject { ["vendor"] = "openai", ["endpoint"] = "http://127.0.0.1:9/v1", ["apiKey"] = ttsKey };
        var llmAgent = await scoped.CreateAgentAsync(llm);
        await using (var chat = await ProtocolClient.ConnectAsync(node.WebSocketUri($"agentId={llmAgent["agentId"]}"), bearer: key))
        {
            await chat.InitializeAsync();
            await chat.ExpectAsync("event", "opened", ProtocolClient.StartWait);
            await chat.SayAsync("what are your opening hours?");
            var reply = await chat.ExpectAsync("text", wait: TimeSpan.FromSeconds(30));
            while ((string?)reply["content"]?["source"] != "assistant") reply = await chat.ExpectAsync("text", wait: TimeSpan.FromSeconds(30));
            await chat.TerminateAsync();
            await chat.ExpectAsync("event", "closed", ProtocolClient.StartWait);
        }
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!lines.Any(l => l.Contains("127.0.0.1:9/result", StringComparison.Ordinal)) && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.Contains(lines, l => l.Contains("127.0.0.1:9/result", StringComparison.Ordinal)); // the delivery's failure was logged

        Assert.NotEmpty(lines); // the capture works: the node logs its start-up at least
        foreach (var secret in secrets)
            Assert.DoesNotContain(lines, line => line.Contains(secret, StringComparison.Ordinal));
    }
}
