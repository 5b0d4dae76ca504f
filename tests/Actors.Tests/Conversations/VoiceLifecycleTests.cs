using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.TestKit;
using Orchestrator.Actors.Conversations;
using Orchestrator.Actors.Tests.Voice;
using Orchestrator.Actors.Voice;
using Orchestrator.Messages.Agents;
using Orchestrator.Messages.Conversations;
using Orchestrator.Messages.Results;
using static Orchestrator.Messages.Conversations.ConversationCommands;

namespace Orchestrator.Actors.Tests.Conversations;

/// <summary>
/// The entity watches its voice session: a session that cannot start or dies ends the call at once,
/// with a reason naming the cause and a stored result.
/// </summary>
public sealed class VoiceLifecycleTests : ConversationTestBase
{
    public VoiceLifecycleTests()
    {
        // Long enough that an end seen within the test's few seconds cannot be the answer timeout.
        Settings = Settings with { SdpAnswerTimeout = TimeSpan.FromSeconds(60) };
    }

    private static Agent PhoneAgent() => TestAgent() with
    {
        Config = TestAgent().Config with { OutboundSipConfig = new JsonObject { ["trunkId"] = "trunk-1" } },
    };

    private IActorRef StartCall(string id, string callType, IVoiceSessionFactory voice, TestProbe? socket)
    {
        var entity = Sys.ActorOf(ConversationEntity.Props(id, Settings, Engines, Results, LiveIndex, voice), id);
        entity.Tell(new Start(id, callType == CallTypes.OnPhone ? PhoneAgent() : TestAgent(), callType, new JsonObject(),
            callType == CallTypes.OnPhone ? "+4930123456" : null, [], socket?.Ref));
        ExpectMsg<ConversationReplies.Started>();
        return entity;
    }

    [Fact]
    public void A_web_call_whose_media_cannot_start_fails_to_open_at_once_naming_the_cause()
    {
        var socket = CreateTestProbe();
        StartCall("vl1", CallTypes.WebCall, new FailingVoiceFactory("no free UDP port in 40000-40001"), socket);
        var failed = socket.FishForMessage<ConversationOutput.FailedOpen>(_ => true, TimeSpan.FromSeconds(5));
        Assert.Contains("no free UDP port in 40000-40001", failed.Reason);
        var result = socket.FishForMessage<ConversationOutput.Finished>(_ => true).Result;
        Assert.Equal((FinishReasons.Error, ResultStatuses.Failed), (result.FinishReason, result.Status));
        Assert.Contains("no free UDP port", result.ErrorMessage);
        AwaitCondition(() => Results.Saved.ContainsKey("vl1"));
    }

    [Fact]
    public void A_phone_call_whose_leg_cannot_start_ends_at_once_with_a_stored_result()
    {
        StartCall("vl2", CallTypes.OnPhone, new FailingVoiceFactory("no free UDP port in 40000-40001"), socket: null);
        AwaitCondition(() => Results.Saved.ContainsKey("vl2"), TimeSpan.FromSeconds(5));
        var result = Results.Saved["vl2"];
        Assert.Equal((FinishReasons.Error, ResultStatuses.Failed), (result.FinishReason, result.Status));
        Assert.Contains("no free UDP port", result.ErrorMessage);
        AwaitCondition(() => !LiveIndex.Live.ContainsKey("vl2"));
    }

    [Fact]
    public void A_phone_call_whose_leg_dies_mid_call_ends_with_connection_lost_and_a_stored_result()
    {
        var media = CreateTestProbe();
        StartCall("vl3", CallTypes.OnPhone, new FakeVoiceFactory(media.Ref), socket: null);
        media.ExpectMsg<VoiceCommands.Speak>(); // the greeting
        var session = media.LastSender;
        session.Tell(new FakeVoiceSession.Raise(new VoiceEvents.MediaConnected()));
        var status = StatusOfEventually("vl3", s => s.TranscriptLength == 1);
        Assert.False(status.Ended);

        session.Tell(PoisonPill.Instance); // the leg and its session are gone without a word
        AwaitCondition(() => Results.Saved.ContainsKey("vl3"), TimeSpan.FromSeconds(5));
        var result = Results.Saved["vl3"];
        Assert.Equal((FinishReasons.ConnectionLost, ResultStatuses.Completed), (result.FinishReason, result.Status));
        Assert.Equal("The call's media stopped unexpectedly", result.ErrorMessage);
        Assert.Equal("Hello, how can I help?", Assert.Single(result.Transcription).Text);
    }

    [Fact]
    public void A_session_that_ends_its_media_and_then_stops_ends_the_call_once_with_the_media_reason()
    {
        var media = CreateTestProbe();
        var socket = CreateTestProbe();
        StartCall("vl4", CallTypes.WebCall, new FakeVoiceFactory(media.Ref), socket);
        media.ExpectMsg<VoiceCommands.Speak>();
        var session = media.LastSender;
        session.Tell(new FakeVoiceSession.Raise(new VoiceEvents.MediaConnected()));
        session.Tell(new FakeVoiceSession.Raise(new VoiceEvents.MediaFailed("DTLS close_notify", false, true)));
        session.Tell(PoisonPill.Instance);
        var result = socket.FishForMessage<ConversationOutput.Finished>(_ => true, TimeSpan.FromSeconds(5)).Result;
        Assert.Equal((FinishReasons.UserHangup, "DTLS close_notify"), (result.FinishReason, result.ErrorMessage));
        socket.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void A_real_web_call_with_no_free_port_in_its_range_fails_to_open_at_once()
    {
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)taken.LocalEndPoint!).Port;
        var voice = new VoiceSessionFactory(new MediaSettings { PortMin = port, PortMax = port },
            new ScriptedRecognizer(), new ToneSynthesizer());

        var socket = CreateTestProbe();
        StartCall("vl5", CallTypes.WebCall, voice, socket);
        var failed = socket.FishForMessage<ConversationOutput.FailedOpen>(_ => true, TimeSpan.FromSeconds(5));
        Assert.Contains($"no free UDP port in {port}-{port}", failed.Reason);
        Assert.Equal(FinishReasons.Error, socket.FishForMessage<ConversationOutput.Finished>(_ => true).Result.FinishReason);
        AwaitCondition(() => Results.Saved.ContainsKey("vl5"));
    }

    private ConversationReplies.Status StatusOfEventually(string id, Func<ConversationReplies.Status, bool> until)
    {
        ConversationReplies.Status? status = null;
        AwaitCondition(() =>
        {
            Sys.ActorSelection("/user/" + id).Tell(new GetStatus(id), TestActor);
            status = ExpectMsg<ConversationReplies.Status>();
            return until(status);
        }, TimeSpan.FromSeconds(5));
        return status!;
    }

    /// <summary>A voice session whose media cannot be created: it throws in PreStart, as a real one does.</summary>
    private sealed class FailingVoiceFactory(string cause) : IVoiceSessionFactory
    {
        public Props WebCall(VoiceSessionSettings settings) => Props.Create(() => new FailingSession(cause));

        public Props PhoneCall(VoiceSessionSettings settings, PhoneDial dial) => Props.Create(() => new FailingSession(cause));
    }

    private sealed class FailingSession(string cause) : ReceiveActor
    {
        protected override void PreStart() => throw new InvalidOperationException(cause);
    }
}
