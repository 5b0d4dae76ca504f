using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Serialization;
using Orchestrator.Actors.Conversations;
using Orchestrator.Messages;
using Orchestrator.Messages.Calls;
using Orchestrator.Messages.Conversations;
using Orchestrator.Messages.Results;
using Orchestrator.Messages.Serialization;
using static Orchestrator.Messages.Conversations.ConversationEvents;

namespace Orchestrator.Actors.Tests;

/// <summary>Every message, event and snapshot goes through our serializer and comes back equal.</summary>
public sealed class SerializerRoundTripTests : Akka.TestKit.Xunit2.TestKit
{
    private readonly OrchestratorSerializer _serializer;

    public SerializerRoundTripTests() : base("""
        akka.actor.serializers.orchestrator = "Orchestrator.Messages.Serialization.OrchestratorSerializer, Orchestrator.Messages"
        akka.actor.serialization-bindings { "Orchestrator.Messages.IOrchestratorMessage, Orchestrator.Messages" = orchestrator }
        """)
    {
        _serializer = (OrchestratorSerializer)Sys.Serialization.FindSerializerForType(typeof(IOrchestratorMessage));
    }

    public static TheoryData<object> Samples()
    {
        var at = new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
        var agent = new Messages.Agents.Agent { AgentId = "a", Name = "n", AdditionalData = new JsonObject { ["k"] = 1 } };
        var result = new ConversationResult
        {
            ConversationId = "c", AgentId = "a", FinishReason = FinishReasons.AgentEnded, StartedAt = at, EndedAt = at,
            Transcription = [new TranscriptEntry("user", "hi", at, at),
                new TranscriptEntry("assistant", "hello", at, at, new TurnLatency { FirstTokenMs = 5, FirstSentenceMs = 9 })],
            ToolCalls = [new ToolCallRecord("t1", "tool", new JsonObject { ["x"] = 1 }, JsonValue.Create("r"), "ok")],
        };
        return new TheoryData<object>
        {
            new ConversationCommands.UserMessage("c", "hello"),
            new ConversationCommands.ToolResponse("c", "t1", new JsonObject { ["a"] = new JsonArray(1, 2) }),
            new ConversationCommands.Terminate("c"),
            new ConversationCommands.GetStatus("c"),
            new ConversationReplies.Started("c"),
            new ConversationReplies.Attached("c"),
            new ConversationReplies.Rejected("c", "why"),
            new ConversationOutput.Connected("c"),
            new ConversationOutput.Opened("c"),
            new ConversationOutput.FailedOpen("c", "reason"),
            new ConversationOutput.Utterance("user", "hi", true),
            new ConversationOutput.ToolFinished("t", "tool", JsonValue.Create(3), "ok"),
            new ConversationOutput.Error("bad", "code"),
            new ConversationOutput.Detached("replaced"),
            new ConversationOutput.Finished(result),
            new Started("c", agent, "chat", new JsonObject { ["x"] = "y" }, "+4930", ["tool"], at),
            new Started("c", agent, "onPhone", new JsonObject(), "+4930", [], at, new CallAttempt("call-1", 2, "camp-1")),
            // An agent snapshot keeps its webhooks, secrets included (the journal is not the API).
            new Started("c", agent with
            {
                Config = new Messages.Agents.AgentConfig
                {
                    ResultWebhook = new Messages.Agents.WebhookConfig { Url = "https://h/r", Secret = "s1", Headers = new() { ["X"] = "1" } },
                    StartWebhook = new Messages.Agents.StartWebhookConfig { Url = "https://h/s", Secret = "s2", FailClosed = true },
                },
            }, "chat", new JsonObject(), null, [], at),
            new UserSaid("hi", at),
            new UserSaid("hi", at, at.AddSeconds(1), at.AddSeconds(2)),
            new AssistantSaid("hello", at),
            new AssistantSaid("hello", at, new TurnLatency { FirstTokenMs = 310, FirstSentenceMs = 420, FirstAudioMs = 610 }),
            new AssistantSaid("hello", at, new TurnLatency { FirstSentenceMs = 3 }),
            new ReplyLatencyRecorded(4, new TurnLatency { FirstAudioMs = 250 }),
            new AnalysisFilled(new JsonObject { ["outcome"] = new JsonObject { ["booked"] = true, ["size"] = null } }, at),
            new ToolCallRequested("t1", "tool", new JsonObject { ["q"] = true }, true, at.AddSeconds(10), at),
            new ToolCallCompleted("t1", JsonValue.Create("fallback"), "timeout", at),
            new SilenceDetected(2, at),
            new DialogueAdvanced("{\"s\":1}"),
            new MediaStatisticsRecorded(new MediaStatistics { PacketsSent = 450, PacketsReceived = 440, PacketsLost = 2, JitterMs = 1.25,
                RemotePacketsLost = 0, RemoteFractionLost = 0.0039, RoundTripMs = 0.4, RtcpReportsReceived = 2, RtcpReportsSent = 3 }),
            new Ended(FinishReasons.UserTerminated, ResultStatuses.Completed, null, at),
            new ResultStored(at),
            new DialGateAnswer(false, "full", TimeSpan.FromMilliseconds(250)),
            new DialGateCommands.Reserve("c", [DialPool.Trunk("t", 5, 2.5), DialPool.Agent("a", null)]),
            new DialGateCommands.Acquire("c", [DialPool.Campaign("k", 20, 10)]),
            new DialGateCommands.Renew("c", [DialPool.Trunk("t", null, null)]),
            new DialGateCommands.Release("c"),
            new DialGateCommands.Drop("c"),
            DialGateCommands.GetUsage.Instance,
            new DialGateCommands.Usage(2, new Dictionary<string, int> { ["trunk:t"] = 2 }),
            Orchestrator.Actors.Dialer.CallDispatcher.Kick.Instance,
        };
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Round_trips_to_an_equal_json_shape(object message)
    {
        var back = _serializer.FromBinary(_serializer.ToBinary(message), _serializer.Manifest(message));
        Assert.IsType(message.GetType(), back);
        // Records holding JsonNodes compare by reference, so compare their serialised forms.
        Assert.Equal(
            System.Text.Json.JsonSerializer.Serialize(message, message.GetType(), JsonDefaults.Options),
            System.Text.Json.JsonSerializer.Serialize(back, back.GetType(), JsonDefaults.Options));
    }

    [Fact]
    public void Commands_carrying_actor_refs_resolve_them_back()
    {
        var probe = CreateTestProbe();
        var attach = new ConversationCommands.Attach("c", "a", probe.Ref, true);
        var back = (ConversationCommands.Attach)_serializer.FromBinary(_serializer.ToBinary(attach), _serializer.Manifest(attach));
        Assert.Equal(probe.Ref, back.Socket);

        var start = new ConversationCommands.Start("c", new Messages.Agents.Agent(), "chat", new JsonObject(), null, ["t"], probe.Ref);
        var startBack = (ConversationCommands.Start)_serializer.FromBinary(_serializer.ToBinary(start), _serializer.Manifest(start));
        Assert.Equal(probe.Ref, startBack.Socket);

        var renew = new DialGateCommands.RenewMany([new HeldLease("c1", [DialPool.Trunk("t", 2, 1.5)], probe.Ref)]);
        var renewBack = (DialGateCommands.RenewMany)_serializer.FromBinary(_serializer.ToBinary(renew), _serializer.Manifest(renew));
        var held = Assert.Single(renewBack.Leases);
        Assert.Equal(("c1", probe.Ref), (held.LeaseKey, held.Holder));
        Assert.Equal(DialPool.Trunk("t", 2, 1.5), Assert.Single(held.Pools));
    }

    [Fact]
    public void The_conversation_snapshot_round_trips()
    {
        var state = new ConversationState()
            .Apply(new Started("c", new Messages.Agents.Agent { AgentId = "a" }, "chat", new JsonObject(), null, ["t"], DateTimeOffset.UnixEpoch))
            .Apply(new UserSaid("hi", DateTimeOffset.UnixEpoch))
            .Apply(new ToolCallRequested("t1", "t", new JsonObject(), true, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch));
        var back = (ConversationState)_serializer.FromBinary(_serializer.ToBinary(state), _serializer.Manifest(state));
        Assert.Equal(state.Transcript, back.Transcript);
        Assert.Equal(state.PendingInputs.Select(p => p.Kind), back.PendingInputs.Select(p => p.Kind));
        Assert.Equal("t1", Assert.Single(back.PendingToolCalls).Id);
    }

    [Fact]
    public void A_started_event_journaled_before_call_attempts_existed_reads_with_no_call()
    {
        var old = new Started("c", new Messages.Agents.Agent { AgentId = "a" }, "chat", new JsonObject(), null, [], DateTimeOffset.UnixEpoch);
        var json = System.Text.Json.Nodes.JsonNode.Parse(_serializer.ToBinary(old))!.AsObject();
        json.Remove("call");
        var back = (Started)_serializer.FromBinary(System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()), _serializer.Manifest(old));
        Assert.Null(back.Call);
        Assert.Equal("c", back.ConversationId);
    }

    [Fact]
    public void An_assistant_line_journaled_before_latency_figures_existed_reads_with_none_and_the_result_omits_them()
    {
        var at = DateTimeOffset.UnixEpoch;
        var json = System.Text.Json.Nodes.JsonNode.Parse(_serializer.ToBinary(new AssistantSaid("hello", at)))!.AsObject();
        json.Remove("latency");
        var back = (AssistantSaid)_serializer.FromBinary(System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()), _serializer.Manifest(new AssistantSaid("", at)));
        Assert.Equal(("hello", null), (back.Text, back.Latency));

        // A snapshot from before: its pending user turn has no time to measure from, its lines no latency.
        var state = new ConversationState()
            .Apply(new Started("c", new Messages.Agents.Agent { AgentId = "a" }, "chat", new JsonObject(), null, [], at))
            .Apply(new UserSaid("hi", at))
            .Apply(back);
        var snapshot = System.Text.Json.Nodes.JsonNode.Parse(_serializer.ToBinary(state))!.AsObject();
        foreach (var entry in snapshot["transcript"]!.AsArray()) entry!.AsObject().Remove("latency");
        foreach (var input in snapshot["pendingInputs"]!.AsArray()) input!.AsObject().Remove("finalAt");
        var restored = (ConversationState)_serializer.FromBinary(System.Text.Encoding.UTF8.GetBytes(snapshot.ToJsonString()), _serializer.Manifest(state));
        Assert.Null(restored.PendingInputs.Single(p => p.Kind == InputKinds.User).FinalAt);
        var result = System.Text.Json.JsonSerializer.SerializeToNode(restored.ToResult(at), JsonDefaults.Options)!;
        Assert.All(result["transcription"]!.AsArray(), entry => Assert.False(entry!.AsObject().ContainsKey("latency")));

        // A figure measured later joins the line's own.
        var timed = restored.Apply(new AssistantSaid("again", at, new TurnLatency { FirstTokenMs = 7, FirstSentenceMs = 12 }))
            .Apply(new ReplyLatencyRecorded(2, new TurnLatency { FirstAudioMs = 40 }));
        Assert.Equal(new TurnLatency { FirstTokenMs = 7, FirstSentenceMs = 12, FirstAudioMs = 40 }, timed.Transcript[2].Latency);
        var line = System.Text.Json.JsonSerializer.SerializeToNode(timed.ToResult(at), JsonDefaults.Options)!["transcription"]![2]!;
        Assert.Equal(40, line["latency"]!["firstAudioMs"]!.GetValue<long>());
    }

    [Fact]
    public void The_result_names_the_call_attempt_the_conversation_ran()
    {
        var state = new ConversationState()
            .Apply(new Started("c", new Messages.Agents.Agent { AgentId = "a" }, "onPhone", new JsonObject(), "+1555", [],
                DateTimeOffset.UnixEpoch, new CallAttempt("call-9", 3, "camp-2")));
        var result = state.ToResult(DateTimeOffset.UnixEpoch.AddSeconds(5));
        Assert.Equal(("call-9", 3, "camp-2"), (result.CallId, result.Attempt, result.CampaignId));
        var chat = new ConversationState()
            .Apply(new Started("d", new Messages.Agents.Agent { AgentId = "a" }, "chat", new JsonObject(), null, [], DateTimeOffset.UnixEpoch))
            .ToResult(DateTimeOffset.UnixEpoch);
        Assert.Null(chat.CallId);
    }

    [Fact]
    public void Every_message_type_is_bound_to_our_serializer()
    {
        foreach (var type in typeof(IOrchestratorMessage).Assembly.GetTypes()
                     .Where(t => typeof(IOrchestratorMessage).IsAssignableFrom(t) && !t.IsAbstract && !t.IsInterface))
            Assert.IsType<OrchestratorSerializer>(Sys.Serialization.FindSerializerForType(type));
    }

    [Fact]
    public void An_unknown_manifest_is_a_clear_error()
    {
        var ex = Assert.Throws<System.Runtime.Serialization.SerializationException>(() =>
            _serializer.FromBinary("{}"u8.ToArray(), "No.Such.Type, Nowhere"));
        Assert.Contains("No.Such.Type", ex.Message);
    }
}
