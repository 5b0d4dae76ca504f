using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using Akka.TestKit;
using Orchestrator.Actors.Conversations;
using Orchestrator.Actors.Sharding;
using Orchestrator.Actors.Tests.Voice;
using Orchestrator.Actors.Voice;
using Orchestrator.Messages.Agents;
using Orchestrator.Messages.Conversations;
using Orchestrator.Messages.Results;
using Xunit.Abstractions;
using static Orchestrator.Messages.Conversations.ConversationCommands;

namespace Orchestrator.Actors.Tests.Conversations;

/// <summary>
/// Two actor systems on loopback form a real cluster. While a web call (real media against a
/// simulated browser) and a phone call (a fake voice session: SIPp is not wired into these actor
/// tests) run on the first node, a second node joins and chat shards move to it; the calls stay
/// on their node and go on.
/// </summary>
[Collection(VoiceCollection.Name)]
public sealed class PinnedVoiceRebalanceTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(NodeConfig, output: output)
{
    private readonly ITestOutputHelper _output = output;

    private static readonly Config NodeConfig = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.actor.provider = cluster
        akka.actor.serializers.orchestrator = "Orchestrator.Messages.Serialization.OrchestratorSerializer, Orchestrator.Messages"
        akka.actor.serialization-bindings { "Orchestrator.Messages.IOrchestratorMessage, Orchestrator.Messages" = orchestrator }
        akka.remote.dot-netty.tcp.port = 0
        akka.remote.dot-netty.tcp.hostname = 127.0.0.1
        akka.cluster.roles = [conversation, voice]
        akka.cluster.sharding.rebalance-interval = 300ms
        akka.cluster.sharding.least-shard-allocation-strategy.rebalance-absolute-limit = 50
        akka.cluster.sharding.least-shard-allocation-strategy.rebalance-relative-limit = 1.0
        akka.cluster.sharding.distributed-data.durable.keys = []
        akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        """);

    private readonly FakeResultStore _results = new();
    private readonly FakeLiveIndex _live = new();
    private readonly ConversationSettings _settings = new() { SdpAnswerTimeout = TimeSpan.FromSeconds(60) };

    private static Agent Agent() => new()
    {
        AgentId = "agent-1",
        Name = "Test agent",
        Config = new AgentConfig
        {
            LlmConfig = new LlmConfig { Vendor = "scripted" },
            OutboundSipConfig = new JsonObject { ["trunkId"] = "trunk-1" },
        },
    };

    /// <summary>A node's two regions, as the node starts them (the chat region with the default allocation).</summary>
    private ConversationRouter StartRegions(ActorSystem system, IVoiceSessionFactory voice)
    {
        Props Entity(string id) => ConversationEntity.Props(id, _settings, new FakeEngineFactory(new FakeEngine()), _results, _live, voice);
        var chat = ClusterSharding.Get(system).Start(ConversationShards.ChatTypeName, Entity,
            ClusterShardingSettings.Create(system).WithRole(ConversationShards.ConversationRole).WithStateStoreMode(StateStoreMode.DData),
            new ConversationMessageExtractor());
        var pinned = ConversationShards.StartVoiceRegion(system, Entity, hostsVoice: true);
        return ConversationRouter.Create(system, chat, pinned);
    }

    [Fact]
    public async Task A_node_joining_moves_chat_shards_but_neither_call_and_both_go_on()
    {
        var media = CreateTestProbe();
        var first = StartRegions(Sys, new CallFactory(
            new VoiceSessionFactory(new MediaSettings(), new ScriptedRecognizer(), new ToneSynthesizer()), new FakeVoiceFactory(media.Ref)));
        var cluster1 = Cluster.Get(Sys);
        cluster1.Join(cluster1.SelfAddress);
        AwaitCondition(() => cluster1.State.Members.Count(m => m.Status == MemberStatus.Up) == 1, TimeSpan.FromSeconds(10));

        // The web call, connected over real media.
        var socket = CreateTestProbe();
        var webId = first.NewConversationId(CallTypes.WebCall);
        Assert.Equal(first.NodeToken, ConversationIds.NodeTokenOf(webId));
        first.Tell(new Start(webId, Agent(), CallTypes.WebCall, new JsonObject(), null, [], socket.Ref), TestActor);
        ExpectMsg<ConversationReplies.Started>(TimeSpan.FromSeconds(10));
        socket.ExpectMsg<ConversationOutput.Connected>();
        var early = socket.ReceiveN(2, TimeSpan.FromSeconds(5)).Cast<ConversationOutput>().ToList();
        var offer = Assert.Single(early.OfType<ConversationOutput.SdpInvite>()).Sdp;
        await using var browser = new SimulatedBrowser();
        first.Tell(new SdpAnswer(webId, browser.Answer(offer)), TestActor);
        await browser.ConnectAsync(TimeSpan.FromSeconds(10));
        socket.FishForMessage<ConversationOutput.Opened>(_ => true, TimeSpan.FromSeconds(10));
        await browser.WaitForLoudAudioAsync(TimeSpan.FromSeconds(5)); // the greeting

        // The phone call, answered.
        var phoneId = first.NewConversationId(CallTypes.OnPhone);
        first.Tell(new Start(phoneId, Agent(), CallTypes.OnPhone, new JsonObject(), "+4930123456", [], null), TestActor);
        ExpectMsg<ConversationReplies.Started>();
        media.ExpectMsg<VoiceCommands.Speak>(TimeSpan.FromSeconds(5));
        var phoneSession = media.LastSender;
        phoneSession.Tell(new FakeVoiceSession.Raise(new VoiceEvents.MediaConnected()));

        // Chat shards on the first node, so there is something to rebalance.
        for (var i = 0; i < 40; i++)
            await first.Ask<ConversationReplies.Status>(new GetStatus(Guid.NewGuid().ToString()), TimeSpan.FromSeconds(5));
        var chatShardsBefore = await ShardsOf(first.Chat);
        Assert.True(chatShardsBefore.Count >= 10, $"{chatShardsBefore.Count} chat shards");

        // The second node joins.
        var system2 = ActorSystem.Create(Sys.Name, NodeConfig);
        try
        {
            var second = StartRegions(system2, new CallFactory(
                new VoiceSessionFactory(new MediaSettings(), new ScriptedRecognizer(), new ToneSynthesizer()), new FakeVoiceFactory(media.Ref)));
            Cluster.Get(system2).Join(cluster1.SelfAddress);
            AwaitCondition(() => cluster1.State.Members.Count(m => m.Status == MemberStatus.Up) == 2, TimeSpan.FromSeconds(15));
            Assert.NotEqual(first.NodeToken, second.NodeToken);

            // Chat shards are handed off to the newcomer...
            await AwaitConditionAsync(async () => (await ShardsOf(second.Chat)).Count > 0, TimeSpan.FromSeconds(20));
            _output.WriteLine($"chat shards: first {(await ShardsOf(first.Chat)).Count}, second {(await ShardsOf(second.Chat)).Count}");
            // ...the voice region's are not, even after a few more rebalance rounds.
            await Task.Delay(1000);
            Assert.Equal([first.NodeToken], await ShardsOf(first.Voice));
            Assert.Empty(await ShardsOf(second.Voice));

            // Both calls are found from the second node, by id alone, still live.
            foreach (var id in new[] { webId, phoneId })
            {
                var status = await second.Ask<ConversationReplies.Status>(new GetStatus(id), TimeSpan.FromSeconds(5));
                Assert.Equal((true, false), (status.Exists, status.Ended));
            }

            // The web call goes on: a turn is answered and the answer is heard over the same media.
            var mark = browser.NowMs;
            second.Tell(new UserMessage(webId, "still there?"), TestActor);
            Assert.Equal("still there?", socket.FishForMessage<ConversationOutput.Utterance>(u => u.Source == "user", TimeSpan.FromSeconds(5)).Text);
            Assert.StartsWith("You said: still there?", socket.FishForMessage<ConversationOutput.Utterance>(u => u.Source == "assistant").Text);
            AwaitCondition(() => browser.Received.Any(r => r.AtMs > mark && r.Rms > 300), TimeSpan.FromSeconds(5));

            // The phone call goes on: the caller's speech is answered and spoken on its session.
            var now = DateTimeOffset.UtcNow;
            phoneSession.Tell(new FakeVoiceSession.Raise(new VoiceEvents.UserSpeechFinal("hello", now, now)));
            var speak = media.FishForMessage<VoiceCommands.Speak>(s => s.Index == 2, TimeSpan.FromSeconds(5));
            Assert.StartsWith("You said: hello", speak.Text);
            Assert.Equal(phoneSession, media.LastSender);

            second.Tell(new ConversationCommands.Terminate(webId), TestActor);
            second.Tell(new ConversationCommands.Terminate(phoneId), TestActor);
            AwaitCondition(() => _results.Saved.ContainsKey(webId) && _results.Saved.ContainsKey(phoneId), TimeSpan.FromSeconds(10));
            Assert.Equal(FinishReasons.UserTerminated, _results.Saved[webId].FinishReason);
            Assert.Equal(FinishReasons.UserTerminated, _results.Saved[phoneId].FinishReason);
        }
        finally
        {
            await system2.Terminate();
        }
    }

    private static async Task<IReadOnlyList<string>> ShardsOf(IActorRef region)
    {
        var state = await region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, TimeSpan.FromSeconds(5));
        return [.. state.Shards.Select(s => s.ShardId).Order()];
    }

    /// <summary>Real media for web calls, a fake session for phone calls.</summary>
    private sealed class CallFactory(IVoiceSessionFactory web, IVoiceSessionFactory phone) : IVoiceSessionFactory
    {
        public Props WebCall(VoiceSessionSettings settings) => web.WebCall(settings);

        public Props PhoneCall(VoiceSessionSettings settings, PhoneDial dial) => phone.PhoneCall(settings, dial);
    }
}
