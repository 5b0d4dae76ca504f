using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.TestKit;
using Orchestrator.Actors.Conversations;
using Orchestrator.Actors.Voice;
using Orchestrator.Dialogue;
using Orchestrator.Messages.Conversations;
using Orchestrator.Messages.Results;
using static Orchestrator.Messages.Conversations.ConversationCommands;

namespace Orchestrator.Actors.Tests.Conversations;

/// <summary>A streamed reply in a call: sentences are spoken as they complete, and a cut reply is recorded as heard.</summary>
public sealed class StreamedSpeechTests : ConversationTestBase
{
    private const string First = "First sentence here.";
    private const string Second = "Second one follows.";

    private readonly TestProbe _media;
    private readonly FakeVoiceFactory _voice;
    private GatedStreamingEngine _engine = new();

    public StreamedSpeechTests()
    {
        _media = CreateTestProbe();
        _voice = new FakeVoiceFactory(_media.Ref);
    }

    private (IActorRef Entity, IActorRef Session) StartConnectedCall(string id, TestProbe socket, DateTimeOffset? speechEnded = null)
    {
        var entity = Sys.ActorOf(ConversationEntity.Props(id, Settings, new FakeEngineFactory(_engine), Results, LiveIndex, _voice), id);
        entity.Tell(new Start(id, TestAgent(), CallTypes.WebCall, new JsonObject(), null, [], socket.Ref));
        ExpectMsg<ConversationReplies.Started>();
        Assert.Equal("Hello.", _media.ExpectMsg<VoiceCommands.Speak>().Text); // the greeting is not streamed: spoken once recorded
        var session = _media.LastSender;
        entity.Tell(new SdpAnswer(id, "v=0 answer"));
        _media.ExpectMsg<VoiceCommands.ApplyAnswer>();
        session.Tell(new FakeVoiceSession.Raise(new VoiceEvents.MediaConnected()));
        socket.FishForMessage(m => m is ConversationOutput.Opened);
        var now = DateTimeOffset.UtcNow;
        session.Tell(new FakeVoiceSession.Raise(new VoiceEvents.UserSpeechFinal("tell me", speechEnded ?? now, speechEnded ?? now)));
        return (entity, session);
    }

    [Fact]
    public void The_first_sentence_is_spoken_before_the_reply_has_ended_and_the_recorded_reply_is_not_spoken_again()
    {
        var socket = CreateTestProbe();
        var (entity, _) = StartConnectedCall("s1", socket);

        var speak = _media.ExpectMsg<VoiceCommands.Speak>(TimeSpan.FromSeconds(10));
        Assert.Equal((2, First), (speak.Index, speak.Text));
        Assert.False(_engine.Released.Task.IsCompleted); // the model is still writing
        _engine.Released.SetResult();
        speak = _media.ExpectMsg<VoiceCommands.Speak>(TimeSpan.FromSeconds(10));
        Assert.Equal((2, Second), (speak.Index, speak.Text));
        socket.FishForMessage(m => m is ConversationOutput.Utterance { Partial: false, Text: First + " " + Second }, TimeSpan.FromSeconds(10));

        entity.Tell(new ConversationCommands.Terminate("s1"));
        _media.ExpectMsg<VoiceCommands.Hangup>(TimeSpan.FromSeconds(10)); // and no third Speak before it
        var result = socket.FishForMessage<ConversationOutput.Finished>(_ => true, TimeSpan.FromSeconds(10)).Result;
        Assert.Equal(First + " " + Second, result.Transcription[2].Text);
    }

    [Fact]
    public async Task A_reply_cut_while_it_streams_is_recorded_as_what_was_heard_and_its_later_sentences_are_not_spoken()
    {
        var socket = CreateTestProbe();
        var (entity, session) = StartConnectedCall("s2", socket);

        Assert.Equal(First, _media.ExpectMsg<VoiceCommands.Speak>(TimeSpan.FromSeconds(10)).Text);
        var now = DateTimeOffset.UtcNow;
        session.Tell(new FakeVoiceSession.Raise(new VoiceEvents.SpeechFinished(2, "First sentence", false, now, now)));
        // A partial after it, from the same session, shows the cut reached the conversation before the model finished.
        session.Tell(new FakeVoiceSession.Raise(new VoiceEvents.UserSpeechPartial("wait")));
        socket.FishForMessage(m => m is ConversationOutput.Utterance { Partial: true, Text: "wait" }, TimeSpan.FromSeconds(10));
        // The step was cancelled on the cut, not released: its engine ended it with the reply so far.
        await _engine.Cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        // The final text of a cut reply is what was played (protocol.md), not what the engine wrote.
        socket.FishForMessage(m => m is ConversationOutput.Utterance { Partial: false, Source: Speakers.Assistant } u
            && (u.Text == "First sentence" ? true : throw new Xunit.Sdk.XunitException("final text " + u.Text)), TimeSpan.FromSeconds(10));
        // The next turn: the engine is told what was heard, and the next thing spoken is its reply (the cut one's
        // second sentence never was).
        now = DateTimeOffset.UtcNow;
        session.Tell(new FakeVoiceSession.Raise(new VoiceEvents.UserSpeechFinal("go on", now, now)));
        var next = _media.ExpectMsg<VoiceCommands.Speak>(TimeSpan.FromSeconds(10));
        Assert.Equal((4, First), (next.Index, next.Text));
        Assert.Equal("First sentence", _engine.Heard.Last());

        entity.Tell(new ConversationCommands.Terminate("s2"));
        _media.FishForMessage(m => m is VoiceCommands.Hangup, TimeSpan.FromSeconds(10));
        var result = socket.FishForMessage<ConversationOutput.Finished>(_ => true, TimeSpan.FromSeconds(10)).Result;
        Assert.Equal("First sentence", result.Transcription[2].Text);
    }

    [Fact]
    public async Task A_barge_in_cancels_the_step_at_once_and_the_conversation_goes_on_without_an_apology_or_a_retry()
    {
        _engine = new GatedStreamingEngine { EndsEarly = true };
        var socket = CreateTestProbe();
        var (entity, session) = StartConnectedCall("s3", socket);

        Assert.Equal(First, _media.ExpectMsg<VoiceCommands.Speak>(TimeSpan.FromSeconds(10)).Text);
        var now = DateTimeOffset.UtcNow;
        session.Tell(new FakeVoiceSession.Raise(new VoiceEvents.SpeechFinished(2, "First", false, now, now)));
        await _engine.Cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10)); // the step's token was cancelled on the barge-in
        Assert.False(_engine.Released.Task.IsCompleted);

        now = DateTimeOffset.UtcNow;
        session.Tell(new FakeVoiceSession.Raise(new VoiceEvents.UserSpeechFinal("stop, I want nine", now, now)));
        var next = _media.ExpectMsg<VoiceCommands.Speak>(TimeSpan.FromSeconds(10));
        Assert.Equal((4, First), (next.Index, next.Text)); // the cut reply's second sentence was never spoken
        // The next step starts from the state the cut step ended in, told what was heard of it.
        Assert.Equal(["tell me", "stop, I want nine"], _engine.Inputs);
        Assert.Equal("cut", _engine.States.Last());
        Assert.Equal("First", _engine.Heard.Last());

        entity.Tell(new ConversationCommands.Terminate("s3"));
        var result = socket.FishForMessage<ConversationOutput.Finished>(_ => true, TimeSpan.FromSeconds(10)).Result;
        // The second reply was still streaming at the end: it is not part of what was said.
        Assert.Equal(["Hello.", "tell me", "First", "stop, I want nine"], result.Transcription.Select(t => t.Text));
        Assert.DoesNotContain(result.Transcription, t => t.Text == Settings.DialogueFailureReply);
    }

    [Fact]
    public async Task A_barge_in_on_an_engine_that_cannot_end_early_keeps_what_was_heard_and_is_not_a_failure()
    {
        var socket = CreateTestProbe();
        var (entity, session) = StartConnectedCall("s4", socket);

        Assert.Equal(First, _media.ExpectMsg<VoiceCommands.Speak>(TimeSpan.FromSeconds(10)).Text);
        var now = DateTimeOffset.UtcNow;
        session.Tell(new FakeVoiceSession.Raise(new VoiceEvents.SpeechFinished(2, "First sentence", false, now, now)));
        await _engine.Cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        socket.FishForMessage(m => m is ConversationOutput.Utterance { Partial: false, Text: "First sentence" }, TimeSpan.FromSeconds(10));

        now = DateTimeOffset.UtcNow;
        session.Tell(new FakeVoiceSession.Raise(new VoiceEvents.UserSpeechFinal("go on", now, now)));
        Assert.Equal((4, First), ((Func<VoiceCommands.Speak, (int, string)>)(s => (s.Index, s.Text)))(_media.ExpectMsg<VoiceCommands.Speak>(TimeSpan.FromSeconds(10))));
        Assert.Equal(["tell me", "go on"], _engine.Inputs); // the cut input was not run again
        Assert.Equal("greeted", _engine.States.Last()); // its engine kept nothing, so the state is the one before it

        entity.Tell(new ConversationCommands.Terminate("s4"));
        var result = socket.FishForMessage<ConversationOutput.Finished>(_ => true, TimeSpan.FromSeconds(10)).Result;
        Assert.Equal(["Hello.", "tell me", "First sentence", "go on"], result.Transcription.Select(t => t.Text));
        Assert.DoesNotContain(result.Transcription, t => t.Text == Settings.DialogueFailureReply);
    }

    [Fact]
    public void A_streamed_answer_keeps_its_first_token_first_sentence_and_first_audio_from_the_end_of_the_turn()
    {
        var socket = CreateTestProbe();
        // The caller stopped speaking long before the turn was final (the figures start at the latter).
        var before = DateTimeOffset.UtcNow;
        var (entity, session) = StartConnectedCall("s5", socket, speechEnded: before - TimeSpan.FromSeconds(30));

        Assert.Equal(First, _media.ExpectMsg<VoiceCommands.Speak>(TimeSpan.FromSeconds(10)).Text);
        var after = DateTimeOffset.UtcNow; // the turn became final between before and after
        // Its first sentence played while the model still wrote: the audio started 1.5 s after that.
        session.Tell(new FakeVoiceSession.Raise(new VoiceEvents.SpeechFinished(2, First, true, after.AddMilliseconds(1500), after.AddMilliseconds(2500))));
        session.Tell(new FakeVoiceSession.Raise(new VoiceEvents.UserSpeechPartial("mm")));
        socket.FishForMessage(m => m is ConversationOutput.Utterance { Partial: true, Text: "mm" }, TimeSpan.FromSeconds(10));
        _engine.Released.SetResult();
        socket.FishForMessage(m => m is ConversationOutput.Utterance { Partial: false, Text: First + " " + Second }, TimeSpan.FromSeconds(10));

        entity.Tell(new ConversationCommands.Terminate("s5"));
        var latency = socket.FishForMessage<ConversationOutput.Finished>(_ => true, TimeSpan.FromSeconds(10)).Result.Transcription[2].Latency;
        Assert.NotNull(latency);
        Assert.InRange(latency.FirstAudioMs!.Value, 1500, 1500 + (long)(after - before).TotalMilliseconds + 1);
        Assert.InRange(latency.FirstTokenMs!.Value, 0, (long)(after - before).TotalMilliseconds + 1);
        Assert.InRange(latency.FirstSentenceMs!.Value, latency.FirstTokenMs.Value, (long)(after - before).TotalMilliseconds + 1);
    }

    [Fact]
    public void An_answer_whose_audio_starts_after_it_was_recorded_gets_its_first_audio_with_the_end_of_the_call()
    {
        var socket = CreateTestProbe();
        var before = DateTimeOffset.UtcNow;
        var (entity, session) = StartConnectedCall("s6", socket);

        Assert.Equal(First, _media.ExpectMsg<VoiceCommands.Speak>(TimeSpan.FromSeconds(10)).Text);
        var after = DateTimeOffset.UtcNow;
        _engine.Released.SetResult();
        socket.FishForMessage(m => m is ConversationOutput.Utterance { Partial: false, Text: First + " " + Second }, TimeSpan.FromSeconds(10));
        // Only now does the first sentence finish playing (it began 2.2 s after the turn ended); the second follows.
        session.Tell(new FakeVoiceSession.Raise(new VoiceEvents.SpeechFinished(2, First, true, after.AddMilliseconds(2200), after.AddMilliseconds(3000))));
        session.Tell(new FakeVoiceSession.Raise(new VoiceEvents.SpeechFinished(2, First + " " + Second, true, after.AddMilliseconds(3000), after.AddMilliseconds(4000))));
        session.Tell(new FakeVoiceSession.Raise(new VoiceEvents.UserSpeechPartial("mm"))); // the session's reports are in
        socket.FishForMessage(m => m is ConversationOutput.Utterance { Partial: true, Text: "mm" }, TimeSpan.FromSeconds(10));

        entity.Tell(new ConversationCommands.Terminate("s6"));
        var result = socket.FishForMessage<ConversationOutput.Finished>(_ => true, TimeSpan.FromSeconds(10)).Result;
        var latency = result.Transcription[2].Latency!;
        var slack = (long)(after - before).TotalMilliseconds + 1;
        Assert.InRange(latency.FirstAudioMs!.Value, 2200, 2200 + slack);
        Assert.NotNull(latency.FirstTokenMs);
        Assert.NotNull(latency.FirstSentenceMs);
        Assert.Null(result.Transcription[0].Latency); // the greeting answers no turn
        Assert.True(Results.Saved.TryGetValue("s6", out var saved) || AwaitSaved("s6", out saved));
        Assert.Equal(latency, saved!.Transcription[2].Latency); // the stored result too: it came from the journal
    }

    private bool AwaitSaved(string id, out ConversationResult? saved)
    {
        ConversationResult? found = null;
        AwaitCondition(() => Results.Saved.TryGetValue(id, out found), TimeSpan.FromSeconds(10));
        saved = found;
        return true;
    }

    /// <summary>Greets plainly; answers a user turn by streaming one sentence, waiting for the test, then another.</summary>
    private sealed class GatedStreamingEngine : IStreamingDialogueEngine
    {
        public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        /// <summary>Set when a step's token was cancelled while it waited.</summary>
        public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public System.Collections.Concurrent.ConcurrentQueue<string?> Heard { get; } = new();
        public System.Collections.Concurrent.ConcurrentQueue<string> Inputs { get; } = new();
        public System.Collections.Concurrent.ConcurrentQueue<string?> States { get; } = new();
        /// <summary>Ends an interrupted step with the reply so far (as the LLM engine does) instead of throwing.</summary>
        public bool EndsEarly { get; init; }

        public ValueTask<DialogueStep> AdvanceAsync(string? state, DialogueInput input, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("The runner streams from this engine");

        public async ValueTask<DialogueStep> AdvanceAsync(string? state, DialogueInput input, IDialogueStream stream, CancellationToken cancellationToken = default)
        {
            if (input is not DialogueInput.UserSaid said) return new DialogueStep([new DialogueAction.Say("Hello.")], "greeted");
            Heard.Enqueue(said.LastReplyHeard);
            Inputs.Enqueue(said.Text);
            States.Enqueue(state);
            stream.Partial(First);
            stream.Sentence(0, First);
            try
            {
                await Released.Task.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Cancelled.TrySetResult();
                if (EndsEarly && stream.Interrupted) return new DialogueStep([new DialogueAction.Say(First)], "cut");
                throw;
            }
            stream.Partial(First + " " + Second);
            stream.Sentence(1, Second);
            return new DialogueStep([new DialogueAction.Say(First + " " + Second)], "answered");
        }
    }
}
