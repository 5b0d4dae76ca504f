using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using Orchestrator.Actors.Conversations;
using Orchestrator.Messages.Agents;
using Orchestrator.Messages.Conversations;
using static Orchestrator.Messages.Conversations.ConversationCommands;

namespace Orchestrator.Actors.Tests;

public abstract class ConversationTestBase : Akka.TestKit.Xunit2.TestKit
{
    private static readonly Config TestConfig = ConfigurationFactory.ParseString("""
        akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        akka.loglevel = WARNING
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp.port = 0
        akka.remote.dot-netty.tcp.hostname = 127.0.0.1
        """);

    protected readonly FakeEngine Engine = new();
    protected readonly FakeEngineFactory Engines;
    protected readonly FakeResultStore Results = new();
    protected readonly FakeLiveIndex LiveIndex = new();

    protected ConversationSettings Settings = new()
    {
        ResumeGracePeriod = TimeSpan.FromMilliseconds(500),
        ResultRetryBackoff = TimeSpan.FromMilliseconds(50),
        SnapshotEvery = 5,
    };

    protected ConversationTestBase() : base(TestConfig)
    {
        Engines = new FakeEngineFactory(Engine);
    }

    protected static Agent TestAgent(Action<AgentConfig>? _ = null, double toolTimeout = 10, string vendor = "scripted") => new()
    {
        AgentId = "agent-1",
        Name = "Test agent",
        Config = new AgentConfig
        {
            LlmConfig = new LlmConfig { Vendor = vendor },
            Tools =
            [
                new ToolConfig { Name = "book_table", TimeoutSeconds = toolTimeout, FallBackResult = JsonValue.Create("no booking") },
                new ToolConfig { Name = "server_tool", Webhook = new WebhookConfig { Url = "http://127.0.0.1:9/none" } },
            ],
        },
    };

    protected IActorRef NewEntity(string id) =>
        Sys.ActorOf(ConversationEntity.Props(id, Settings, Engines, Results, LiveIndex), id);

    /// <summary>Starts a chat conversation whose outputs go to <paramref name="socket"/>, and reads the greeting.</summary>
    protected IActorRef StartChat(string id, TestProbe socket, Agent? agent = null, IReadOnlyList<string>? clientTools = null)
    {
        var entity = NewEntity(id);
        entity.Tell(new Start(id, agent ?? TestAgent(), "chat", new JsonObject { ["customer"] = "Ada" }, null,
            clientTools ?? ["book_table"], socket.Ref));
        ExpectMsg<ConversationReplies.Started>();
        socket.ExpectMsg<ConversationOutput.Connected>();
        socket.ExpectMsg<ConversationOutput.Opened>();
        Assert.Equal("Hello, how can I help?", socket.ExpectMsg<ConversationOutput.Utterance>().Text);
        return entity;
    }

    protected ConversationReplies.Status StatusOf(IActorRef entity, string id)
    {
        entity.Tell(new GetStatus(id));
        return ExpectMsg<ConversationReplies.Status>();
    }
}
