using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.TestKit;
using Orchestrator.Actors.Conversations;
using Orchestrator.Actors.Voice;
using Orchestrator.Messages.Conversations;
using Orchestrator.Messages.Results;
using static Orchestrator.Messages.Conversations.ConversationCommands;

namespace Orchestrator.Actors.Tests.Conversations;

/// <summary>A web call as the conversation sees it: offer, answer, media, speech turns, barge-in, the end.</summary>
public sealed class VoiceConversationTests : ConversationTestBase
{
    private readonly TestProbe _media;
    private readonly FakeVoiceFactory _voice;

    public VoiceConversationTests()
    {
        _media = CreateTestProbe();
        _voice = new FakeVoiceFactory(_media.Ref);
        Settings = Settings with { SdpAnswerTimeout = TimeSpan.FromMilliseconds(800), DtmfGap = TimeSpan.FromMilliseconds(300) };
    }

    /// <summary>Starts a web call; returns the entity and the voice session (the sender of its commands).</summary>
    private (IActorRef Entity, IActorRef Session) StartCall(string id, TestProbe socket)
    {
        var entity = Sys.ActorOf(ConversationEntity.Props(id, Settings, Engines, Results, LiveIndex, _voice), id);
        entity.Tell(new Start(id, TestAgent(), CallTypes.WebCall, new JsonObject(), null, ["book_table"], socket.Ref));
        ExpectMsg<ConversationReplies.Started>();
        socket.ExpectMsg<ConversationOutput.Connected>();
        // The offer (from the media) and the greeting (from the dialogue) race; both come before opened.
        var first = socket.ReceiveN(2).Cast<ConversationOutput>().ToList();
        Assert.Equal("v=0 fake offer", Assert.Single(first.OfType<ConversationOutput.SdpInvite>()).Sdp);
        // The greeting is said and sent to the media before the call opens, so it plays at once.
        Assert.Equal("Hello, how can I help?", Assert.Single(first.OfType<ConversationOutput.Utterance>()).Text);
        var speak = _media.ExpectMsg<VoiceCommands.Speak>();
        Assert.Equal((0, "Hello, how can I help?", true), (speak.Index, speak.Text, speak.Interruptible));
        return (entity, _media.LastSender);
    }

    private void Connect(IActorRef entity, IActorRef session, TestProbe socket)
    {
        entity.Tell(new SdpAnswer(entity.Path.Name, "v=0 answer"));
        Assert.Equal("v=0 answer", _media.ExpectMsg<VoiceCommands.ApplyAnswer>().Sdp);
        session.Tell(new FakeVoiceSession.Raise(new VoiceEvents.AnswerAccepted("opus")));
        session.Tell(new FakeVoiceSession.Raise(new VoiceEvents.MediaConnected()));
        socket.ExpectMsg<ConversationOutput.Opened>();
    }

    [Fact]
    public void Speech_turns_are_recognised_echoed_answered_and_spoken()
    {
        var socket = CreateTestProbe();
        var (entity, session) = StartCall("v1", socket);
        Connect(entity, session, socket);

        session.Tell(new FakeVoiceSession.Raise(new VoiceEvents.UserSpeechPartial("hel")));
        var partial = socket.ExpectMsg<ConversationOutput.Utterance>();
        Assert.Equal(("user", "hel", true), (partial.Source, partial.Text, partial.Partial));

        var start = DateTimeOffset.UtcNow;
        session.Tell(new FakeVoiceSession.Raise(new VoiceEvents.UserSpeechFinal("hello there", start, start.AddSeconds(1))));
        Assert.Equal("hello there", socket.ExpectMsg<ConversationOutput.Utterance>().Text);
        Assert.StartsWith("You said: hello there", socket.ExpectMsg<ConversationOutput.Utterance>().Text);
        var speak = _media.ExpectMsg<VoiceCommands.Speak>();
        Assert.Equal(2, speak.Index);

        entity.Tell(new ConversationCommands.Terminate("v1"));
        var result = socket.ExpectMsg<ConversationOutput.Finished>().Result;
        Assert.Equal(TimeSpan.FromSeconds(1), result.Transcription[1].EndTime - result.Transcription[1].StartTime);
        _media.ExpectMsg<VoiceCommands.Hangup>();
    }

    [Fact]
    public void Empty_recognitions_are_ignored_and_typed_messages_join_a_call()
    {
        var socket = CreateTestProbe();
        var (entity, session) = StartCall("v2", socket);
        Connect(entity, session, socket);
        session.Tell(new FakeVoiceSession.Raise(new VoiceEvents.UserSpeechFinal(" ", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow)));
        entity.Tell(new UserMessage("v2", "typed"));
        Assert.Equal("typed", socket.ExpectMsg<ConversationOutput.Utterance>().Text);
    }

    [Fact]
    public void A_barge_in_keeps_only_what_was_played_in_the_transcript()
    {
        var socket = CreateTestProbe();
        var (entity, session) = StartCall("v3", socket);
        Connect(entity, session, socket);
        session.Tell(new FakeVoiceSession.Raise(new VoiceEvents.UserSpeechStarted()));
        var now = DateTimeOffset.UtcNow;
        session.Tell(new FakeVoiceSession.Raise(new VoiceEvents.SpeechFinished(0, "Hello,", false, now, now)));
        // Through the session too, so it arrives after the interruption.
        session.Tell(new FakeVoiceSession.Raise(new ConversationCommands.Terminate("v3")));
        var result = socket.FishForMessage<ConversationOutput.Finished>(_ => true).Result;
        Assert.Equal("Hello,", result.Transcription[0].Text);
    }

    [Fact]
    public void A_line_cut_before_any_of_it_was_heard_leaves_the_result()
    {
        var socket = CreateTestProbe();
        var (entity, session) = StartCall("v4", socket);
        Connect(entity, session, socket);
        var now = DateTimeOffset.UtcNow;
        session.Tell(new FakeVoiceSession.Raise(new VoiceEvents.SpeechFinished(0, "", false, now, now)));
        session.Tell(new FakeVoiceSession.Raise(new ConversationCommands.Terminate("v4")));
        Assert.Empty(socket.FishForMessage<ConversationOutput.Finished>(_ => true).Result.Transcription);
    }

    [Fact]
    public void Keyed_digits_become_one_user_turn()
    {
        var socket = CreateTestProbe();
        var (entity, session) = StartCall("v5", socket);
        Connect(entity, session, socket);
        foreach (var digit in "42#")
            session.Tell(new FakeVoiceSession.Raise(new VoiceEvents.DtmfReceived(digit)));
        Assert.Equal("42", socket.ExpectMsg<ConversationOutput.Utterance>().Text);
        foreach (var digit in "7")
            session.Tell(new FakeVoiceSession.Raise(new VoiceEvents.DtmfReceived(digit)));
        // The gap is 300 ms; the wait is long because CI runs this beside the whole suite on 2 cores.
        socket.FishForMessage<ConversationOutput.Utterance>(u => u.Text == "7", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void An_unusable_answer_fails_the_open_with_an_error()
    {
        var socket = CreateTestProbe();
        var (entity, session) = StartCall("v6", socket);
        entity.Tell(new SdpAnswer("v6", "garbage"));
        _media.ExpectMsg<VoiceCommands.ApplyAnswer>();
        session.Tell(new FakeVoiceSession.Raise(new VoiceEvents.AnswerRejected("answer has no DTLS fingerprint")));
        Assert.Equal("answer has no DTLS fingerprint", socket.ExpectMsg<ConversationOutput.Error>().Message);
        Assert.Contains("fingerprint", socket.ExpectMsg<ConversationOutput.FailedOpen>().Reason);
        var result = socket.ExpectMsg<ConversationOutput.Finished>().Result;
        Assert.Equal((FinishReasons.Error, ResultStatuses.Failed), (result.FinishReason, result.Status));
        Assert.Contains("fingerprint", result.ErrorMessage);
    }

    [Fact]
    public void No_answer_in_time_fails_the_open()
    {
        var socket = CreateTestProbe();
        StartCall("v7", socket);
        Assert.Equal("No SDP answer received in time", socket.ExpectMsg<ConversationOutput.FailedOpen>(TimeSpan.FromSeconds(3)).Reason);
        Assert.Equal(FinishReasons.Error, socket.ExpectMsg<ConversationOutput.Finished>().Result.FinishReason);
    }

    [Fact]
    public void Ice_or_dtls_failing_before_connect_is_a_failed_open()
    {
        var socket = CreateTestProbe();
        var (entity, session) = StartCall("v8", socket);
        entity.Tell(new SdpAnswer("v8", "v=0"));
        session.Tell(new FakeVoiceSession.Raise(new VoiceEvents.MediaFailed("DTLS handshake timed out", true, false)));
        Assert.Equal("DTLS handshake timed out", socket.FishForMessage<ConversationOutput.FailedOpen>(_ => true).Reason);
        Assert.Equal("DTLS handshake timed out", socket.FishForMessage<ConversationOutput.Finished>(_ => true).Result.ErrorMessage);
    }

    [Theory]
    [InlineData(true, FinishReasons.UserHangup)]
    [InlineData(false, FinishReasons.ConnectionLost)]
    public void A_browser_that_goes_away_mid_call_ends_it_with_the_right_reason(bool hungUp, string reason)
    {
        var socket = CreateTestProbe();
        var id = "v9-" + hungUp;
        var (entity, session) = StartCall(id, socket);
        Connect(entity, session, socket);
        session.Tell(new FakeVoiceSession.Raise(new VoiceEvents.MediaFailed("gone", false, hungUp)));
        Assert.Equal(reason, socket.FishForMessage<ConversationOutput.Finished>(_ => true).Result.FinishReason);
        AwaitCondition(() => Results.Saved.ContainsKey(id));
    }

    [Fact]
    public void An_sdp_answer_in_a_chat_is_an_error()
    {
        var socket = CreateTestProbe();
        var entity = StartChat("v10", socket);
        entity.Tell(new SdpAnswer("v10", "v=0"), socket.Ref);
        Assert.Equal("No SDP offer was sent on this connection", socket.ExpectMsg<ConversationOutput.Error>().Message);
    }

    [Fact]
    public void A_node_without_voice_fails_web_calls_to_open()
    {
        var socket = CreateTestProbe();
        var entity = NewEntity("v11");
        entity.Tell(new Start("v11", TestAgent(), CallTypes.WebCall, new JsonObject(), null, [], socket.Ref));
        ExpectMsg<ConversationReplies.Started>();
        socket.ExpectMsg<ConversationOutput.Connected>();
        Assert.Equal("Voice calls are not configured on this node", socket.ExpectMsg<ConversationOutput.FailedOpen>().Reason);
    }
}
