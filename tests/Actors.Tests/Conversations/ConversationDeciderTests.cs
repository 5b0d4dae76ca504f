using System.Text.Json.Nodes;
using Akka.Actor;
using Orchestrator.Actors.Conversations;
using Orchestrator.Actors.Voice;
using Orchestrator.Dialogue;
using Orchestrator.Messages.Agents;
using Orchestrator.Messages.Conversations;
using Orchestrator.Messages.Results;
using static Orchestrator.Actors.Conversations.ConversationEffect;
using static Orchestrator.Actors.Conversations.ConversationInputs;
using static Orchestrator.Messages.Conversations.ConversationCommands;
using static Orchestrator.Messages.Conversations.ConversationEvents;

namespace Orchestrator.Actors.Tests.Conversations;

/// <summary>The conversation's rules without an actor system: state and input in, events and effects out.</summary>
public sealed class ConversationDeciderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);
    private readonly ConversationSettings _settings = new() { DialogueStepRetries = 1, DtmfGap = TimeSpan.FromSeconds(2) };
    private readonly ConversationDecider _decider;

    public ConversationDeciderTests() => _decider = new ConversationDecider(_settings);

    private static Agent Agent(string callTypeTrunk = "trunk-1") => new()
    {
        AgentId = "agent-1",
        Name = "Test",
        Config = new AgentConfig
        {
            LlmConfig = new LlmConfig { Vendor = "scripted" },
            Tools = [new ToolConfig { Name = "book_table", TimeoutSeconds = 5, FallBackResult = JsonValue.Create("none") }],
            OutboundSipConfig = callTypeTrunk.Length == 0 ? null : new JsonObject { ["trunkId"] = callTypeTrunk },
        },
    };

    /// <summary>A conversation past its greeting (the talk-first input is consumed).</summary>
    private static ConversationState Started(string callType = CallTypes.Chat, string? endpoint = null, Agent? agent = null) =>
        new ConversationState().Apply(new ConversationEvents.Started("c1", agent ?? Agent(), callType, new JsonObject(), endpoint,
            ["book_table"], T0)).Apply(new DialogueAdvanced("0"));

    private ConversationRuntime Runtime => ConversationRuntime.Initial(_settings) with { DialogueStarted = true, SocketAttached = true };

    private static ConversationState Apply(ConversationState state, Decision decision) =>
        decision.Events.Aggregate(state, (s, e) => s.Apply(e));

    [Fact]
    public void A_start_records_started_then_replies_links_the_socket_and_opens()
    {
        var socket = ActorRefs.Nobody;
        var d = _decider.Decide(new ConversationState(), ConversationRuntime.Initial(_settings),
            new Start("c1", Agent(), CallTypes.Chat, new JsonObject(), null, [], socket), T0);
        var started = Assert.IsType<ConversationEvents.Started>(Assert.Single(d.Events));
        Assert.Equal(("c1", T0), (started.ConversationId, started.At));
        Assert.Equal(new ConversationReplies.Started("c1"), Assert.IsType<Reply>(d.Then[0]).Message);
        Assert.Contains(new LinkSocket(socket), d.Then);
        Assert.Equal(new Feed(new Open()), d.Then[^1]);
        Assert.True(d.Runtime.SocketAttached);

        var again = _decider.Decide(Apply(new ConversationState(), d), d.Runtime,
            new Start("c1", Agent(), CallTypes.Chat, new JsonObject(), null, [], socket), T0);
        Assert.Empty(again.Events);
        Assert.Equal("Conversation already exists", Assert.IsType<ConversationReplies.Rejected>(Assert.IsType<Reply>(Assert.Single(again.Now)).Message).Reason);
    }

    [Fact]
    public void A_chat_opens_at_once_and_a_web_call_starts_its_media_and_waits_for_the_answer()
    {
        var chat = _decider.Decide(Started(), ConversationRuntime.Initial(_settings), new Open(), T0);
        Assert.Equal([typeof(StartDialogue), typeof(Emit), typeof(Feed)], chat.Now.Select(e => e.GetType()));
        Assert.IsType<ConversationOutput.Opened>(((Emit)chat.Now[1]).Output);

        var call = _decider.Decide(Started(CallTypes.WebCall), ConversationRuntime.Initial(_settings), new Open(), T0);
        var voice = Assert.Single(call.Now.OfType<StartVoice>());
        Assert.Null(voice.Dial);
        Assert.Equal(_settings.SdpAnswerTimeout, Assert.Single(call.Now.OfType<StartTimer>(), t => t.Key == ConversationTimers.Answer).Delay);
        Assert.DoesNotContain(call.Now, e => e is Emit { Output: ConversationOutput.Opened });
        Assert.Equal(MediaPhase.Starting, call.Runtime.Media);
    }

    [Fact]
    public void A_voice_call_carries_the_speech_engines_voice_and_speed_its_agent_names()
    {
        var agent = Agent();
        agent = agent with
        {
            Config = agent.Config with
            {
                SttConfig = new JsonObject { ["vendor"] = "openai", ["model"] = "whisper-large", ["endpoint"] = "http://stt/v1", ["apiKey"] = "k" },
                TtsConfig = new JsonObject { ["vendor"] = "openai", ["model"] = "tts-1-hd", ["voiceId"] = "nova", ["speed"] = 1.5 },
            },
        };
        var call = _decider.Decide(Started(CallTypes.WebCall, agent: agent), ConversationRuntime.Initial(_settings), new Open(), T0);
        var settings = Assert.Single(call.Now.OfType<StartVoice>()).Settings;
        Assert.Equal(("nova", 1.5), (settings.Voice, settings.Speed));
        Assert.Equal(new Orchestrator.Speech.Vendors.SpeechEngineRequest("openai", "whisper-large", "http://stt/v1", "k"), settings.Recognition);
        Assert.Equal(new Orchestrator.Speech.Vendors.SpeechEngineRequest("openai", "tts-1-hd"), settings.Synthesis);

        // No stt/tts config: no request, so the node's defaults.
        var plain = Assert.Single(_decider.Decide(Started(CallTypes.WebCall), ConversationRuntime.Initial(_settings), new Open(), T0).Now.OfType<StartVoice>());
        Assert.Equal((null, null), (plain.Settings.Recognition, plain.Settings.Synthesis));
    }

    [Theory]
    [InlineData(null, "trunk-1", "An onPhone call needs an endpoint (a phone number or SIP URI) to dial")]
    [InlineData("+4930123", "", "The agent has no outboundSipConfig.trunkId to dial through")]
    public void A_phone_call_that_cannot_dial_fails_to_open_with_the_reason(string? endpoint, string trunk, string reason)
    {
        var d = _decider.Decide(Started(CallTypes.OnPhone, endpoint, Agent(trunk)), ConversationRuntime.Initial(_settings), new Open(), T0);
        Assert.Equal(reason, Assert.IsType<ConversationOutput.FailedOpen>(Assert.IsType<Emit>(Assert.Single(d.Now)).Output).Reason);
        var ended = Assert.IsType<Ended>(Assert.Single(d.Events));
        Assert.Equal((FinishReasons.Error, ResultStatuses.Failed, reason), (ended.FinishReason, ended.Status, ended.ErrorMessage));
    }

    [Fact]
    public void A_phone_call_dials_the_endpoint_through_the_agents_trunk()
    {
        var d = _decider.Decide(Started(CallTypes.OnPhone, "+4930123"), ConversationRuntime.Initial(_settings), new Open(), T0);
        var dial = Assert.Single(d.Now.OfType<StartVoice>()).Dial!;
        Assert.Equal(("+4930123", "trunk-1", TimeSpan.FromSeconds(30)), (dial.Endpoint, dial.TrunkId, dial.RingTimeout));
    }

    [Fact]
    public void A_user_turn_is_recorded_asynchronously_and_a_free_dialogue_is_asked_at_once_without_waiting_for_the_write()
    {
        var d = _decider.Decide(Started(), Runtime, new UserMessage("c1", "hi"), T0);
        Assert.True(d.Async);
        Assert.Equal(new UserSaid("hi", T0, T0, T0), Assert.Single(d.Events));
        Assert.Equal(new CancelTimer(ConversationTimers.Silence), d.Now[0]);
        var step = Assert.IsType<RunStep>(d.Now[1]);
        Assert.Equal("hi", Assert.IsType<DialogueInput.UserSaid>(step.Input).Text);
        Assert.True(d.Runtime is { StepInFlight: true, StepAheadOfJournal: true });
        Assert.Equal(step.Seq, d.Runtime.StepSeq);
        Assert.Equal(new FeedLater(new TurnRecorded()), Assert.Single(d.Then));
    }

    [Fact]
    public void What_a_step_answers_before_its_turn_is_written_waits_for_the_write_and_is_then_decided_in_order()
    {
        var asked = _decider.Decide(Started(), Runtime, new UserMessage("c1", "hi"), T0);
        var seq = asked.Runtime.StepSeq;
        var progress = new StepProgress(seq, "Hel", -1, null);
        var done = new StepDone(seq, new DialogueStep([new DialogueAction.Say("Hello")], "s1"));

        // The scripted engine answers in microseconds: before the turn's write completes, nothing is decided.
        var held = _decider.Decide(Started(), asked.Runtime, progress, T0);
        Assert.True(held.IsEmpty);
        held = _decider.Decide(Started(), held.Runtime, done, T0);
        Assert.True(held.IsEmpty);
        Assert.Equal<IConversationInput>([progress, done], held.Runtime.HeldForJournal.ToArray());

        var recorded = Apply(Started(), asked);
        var released = _decider.Decide(recorded, held.Runtime, new TurnRecorded(), T0);
        Assert.Equal<ConversationEffect>([new Feed(progress), new Feed(done)], released.Now.ToArray());
        Assert.False(released.Runtime.StepAheadOfJournal);
        Assert.Empty(released.Runtime.HeldForJournal);

        // Fed in that order, the answer is decided on the recorded turn: the reply is recorded and the input consumed.
        var shown = _decider.Decide(recorded, released.Runtime, progress, T0);
        Assert.Contains(shown.Now, e => e is Emit { Output: ConversationOutput.Utterance { Text: "Hel", Partial: true } });
        var answered = _decider.Decide(recorded, shown.Runtime, done, T0);
        Assert.Contains(answered.Events, e => e is AssistantSaid { Text: "Hello" });
        Assert.Empty(Apply(recorded, answered).PendingInputs);
    }

    [Fact]
    public void A_turn_while_the_dialogue_is_busy_is_recorded_and_asked_for_once_recorded()
    {
        var first = _decider.Decide(Started(), Runtime, new UserMessage("c1", "first"), T0);
        var second = _decider.Decide(Apply(Started(), first), first.Runtime with { StepAheadOfJournal = false }, new UserMessage("c1", "second"), T0);
        Assert.Equal(new CancelTimer(ConversationTimers.Silence), Assert.Single(second.Now));
        Assert.Equal(new Feed(new Continue()), Assert.Single(second.Then));
        Assert.Equal(first.Runtime.StepSeq, second.Runtime.StepSeq);
    }

    [Fact]
    public void A_turn_in_an_ended_or_unknown_conversation_is_an_error_reply()
    {
        var ended = Apply(Started(), _decider.Decide(Started(), Runtime, new ConversationCommands.Terminate("c1"), T0));
        var d = _decider.Decide(ended, Runtime, new UserMessage("c1", "hi"), T0);
        Assert.Empty(d.Events);
        Assert.Equal("Conversation has ended", ((ConversationOutput.Error)((Reply)Assert.Single(d.Now)).Message).Message);
        var unknown = _decider.Decide(new ConversationState(), Runtime, new UserMessage("c1", "hi"), T0);
        Assert.Equal("Unknown conversation", ((ConversationOutput.Error)((Reply)Assert.Single(unknown.Now)).Message).Message);
    }

    [Fact]
    public void The_dialogue_stays_busy_until_a_steps_events_are_recorded()
    {
        var state = Apply(Started(), _decider.Decide(Started(), Runtime, new UserMessage("c1", "first"), T0));
        var asked = _decider.Decide(state, Runtime, new Continue(), T0);
        var seq = asked.Runtime.StepSeq;
        // A second turn arrives while the first is being answered: recorded, but no second step.
        var second = _decider.Decide(state, asked.Runtime, new UserMessage("c1", "second"), T0);
        state = Apply(state, second);
        Assert.Empty(_decider.Decide(state, asked.Runtime, new Continue(), T0).Now);

        var done = _decider.Decide(state, asked.Runtime, new StepDone(seq, new DialogueStep([new DialogueAction.Say("one")], "s1")), T0);
        Assert.Equal([typeof(DialogueAdvanced), typeof(AssistantSaid)], done.Events.Select(e => e.GetType()));
        Assert.True(done.Runtime.StepInFlight);
        Assert.Equal(new Feed(new StepSettled(true)), Assert.Single(done.Then));
        state = Apply(state, done);
        var settled = _decider.Decide(state, done.Runtime, new StepSettled(true), T0);
        Assert.Equal("second", Assert.IsType<DialogueInput.UserSaid>(Assert.IsType<RunStep>(Assert.Single(settled.Now)).Input).Text);

        // An answer to a step asked for before is stale.
        Assert.True(_decider.Decide(state, settled.Runtime, new StepDone(seq, new DialogueStep([], "x")), T0).IsEmpty);
    }

    [Fact]
    public void A_failed_step_is_retried_once_then_the_agent_apologises()
    {
        var state = Apply(Started(), _decider.Decide(Started(), Runtime, new UserMessage("c1", "boom"), T0));
        var asked = _decider.Decide(state, Runtime, new Continue(), T0);
        var retry = _decider.Decide(state, asked.Runtime, new StepFailed(asked.Runtime.StepSeq, "x"), T0);
        Assert.Empty(retry.Events);
        var again = Assert.Single(retry.Now.OfType<RunStep>());
        Assert.Equal(asked.Runtime.StepSeq + 1, again.Seq);

        var giveUp = _decider.Decide(state, retry.Runtime, new StepFailed(again.Seq, "x"), T0);
        Assert.Equal(_settings.DialogueFailureReply, Assert.IsType<AssistantSaid>(giveUp.Events[1]).Text);
        Assert.Equal(0, giveUp.Runtime.StepFailures);
    }

    [Fact]
    public void Tool_answers_first_wins_unknown_ids_are_errors_and_timeouts_give_the_fallback()
    {
        var state = Started();
        state = state.Apply(new ToolCallRequested("t1", "book_table", new JsonObject(), true, T0.AddSeconds(5), T0));
        var unknown = _decider.Decide(state, Runtime, new ToolResponse("c1", "nope", null), T0);
        Assert.Equal("unknown_tool_call", ((ConversationOutput.Error)((Reply)Assert.Single(unknown.Now)).Message).Code);

        var timeout = _decider.Decide(state, Runtime, new ToolTimedOut("t1"), T0);
        var completed = Assert.IsType<ToolCallCompleted>(Assert.Single(timeout.Events));
        Assert.Equal((ToolStatuses.Timeout, "none"), (completed.Status, completed.Result!.GetValue<string>()));

        state = Apply(state, timeout);
        Assert.True(_decider.Decide(state, Runtime, new ToolResponse("c1", "t1", JsonValue.Create(1)), T0).IsEmpty);
    }

    [Fact]
    public void The_grace_period_ends_a_conversation_only_while_no_socket_is_linked()
    {
        var gone = _decider.Decide(Started(), Runtime, new SocketGone(), T0);
        Assert.False(gone.Runtime.SocketAttached);
        Assert.Equal(_settings.ResumeGracePeriod, Assert.IsType<StartTimer>(Assert.Single(gone.Now)).Delay);
        var expired = _decider.Decide(Started(), gone.Runtime, new GraceExpired(), T0);
        Assert.Equal(FinishReasons.ConnectionLost, Assert.IsType<Ended>(Assert.Single(expired.Events)).FinishReason);
        Assert.True(_decider.Decide(Started(), Runtime, new GraceExpired(), T0).IsEmpty);
    }

    [Fact]
    public void A_result_save_failure_backs_off_doubling_up_to_a_minute()
    {
        var runtime = Runtime with { ResultBackoff = TimeSpan.FromSeconds(40) };
        var d = _decider.Decide(Started(), runtime, new ResultSaveFailed("db down"), T0);
        Assert.Equal(TimeSpan.FromSeconds(40), d.Now.OfType<StartTimer>().Single().Delay);
        Assert.Equal(TimeSpan.FromMinutes(1), d.Runtime.ResultBackoff);
        Assert.Contains("db down", d.Now.OfType<Warn>().Single().Message);
    }

    [Fact]
    public void Keyed_digits_gather_until_the_gap_or_hash()
    {
        var call = Started(CallTypes.WebCall);
        var runtime = Runtime with { Media = MediaPhase.Connected };
        var d = _decider.Decide(call, runtime, new VoiceEvents.DtmfReceived('4'), T0);
        Assert.Equal("4", d.Runtime.DtmfDigits);
        Assert.Equal(_settings.DtmfGap, d.Now.OfType<StartTimer>().Single().Delay);
        d = _decider.Decide(call, d.Runtime, new VoiceEvents.DtmfReceived('2'), T0);
        var flushed = _decider.Decide(call, d.Runtime, new VoiceEvents.DtmfReceived('#'), T0);
        Assert.Equal("42", Assert.IsType<UserSaid>(Assert.Single(flushed.Events)).Text);
        Assert.Equal("", flushed.Runtime.DtmfDigits);
    }

    [Theory]
    [InlineData(MediaPhase.Starting, true, FinishReasons.Error)]
    [InlineData(MediaPhase.Connected, false, FinishReasons.ConnectionLost)]
    public void A_voice_session_that_stops_ends_the_call_at_once_naming_the_cause(MediaPhase phase, bool failedOpen, string finishReason)
    {
        var d = _decider.Decide(Started(CallTypes.WebCall), Runtime with { Media = phase }, new VoiceStopped("no free UDP port in 40000-40001"), T0);
        var ended = Assert.IsType<Ended>(Assert.Single(d.Events));
        Assert.Equal(finishReason, ended.FinishReason);
        Assert.Contains("no free UDP port", ended.ErrorMessage);
        Assert.Equal(failedOpen, d.Now.Any(e => e is Emit { Output: ConversationOutput.FailedOpen }));
        Assert.Equal(MediaPhase.Gone, d.Runtime.Media);
        // A session that already reported the end of its media (and then stops) changes nothing.
        Assert.Empty(_decider.Decide(Started(CallTypes.WebCall), d.Runtime, new VoiceStopped(null), T0).Events);
    }

    [Fact]
    public void Media_failing_mid_call_ends_it_with_the_media_reason()
    {
        var d = _decider.Decide(Started(CallTypes.OnPhone, "+49"), Runtime with { Media = MediaPhase.Connected },
            new VoiceEvents.MediaFailed("BYE", false, true, FinishReasons.CalleeHangup), T0);
        Assert.Equal(FinishReasons.CalleeHangup, Assert.IsType<Ended>(Assert.Single(d.Events)).FinishReason);
        Assert.Empty(d.Now);
    }

    [Fact]
    public void A_recovered_call_ends_because_its_media_is_gone_and_a_recovered_chat_waits_for_its_socket()
    {
        var call = _decider.Decide(Started(CallTypes.WebCall), ConversationRuntime.Initial(_settings), new Recovered(), T0);
        Assert.Equal(FinishReasons.ConnectionLost, Assert.IsType<Ended>(Assert.Single(call.Events)).FinishReason);
        var chat = _decider.Decide(Started(), ConversationRuntime.Initial(_settings), new Recovered(), T0);
        Assert.Empty(chat.Events);
        Assert.Contains(chat.Now, e => e is StartTimer { Key: ConversationTimers.Grace });
        Assert.Contains(new StartDialogue(), chat.Now);
    }

    [Fact]
    public void Reactions_echo_a_recorded_turn_and_an_end_sends_the_result_and_saves_it()
    {
        var state = Started().Apply(new UserSaid("hi", T0));
        Assert.Equal(new Emit(new ConversationOutput.Utterance(Speakers.User, "hi", false)),
            Assert.Single(ConversationReactions.To(state, new ConversationRuntime(), new UserSaid("hi", T0), T0)));
        var end = ConversationDecisions.End(FinishReasons.UserTerminated, T0);
        var effects = ConversationReactions.To(state.Apply(end), new ConversationRuntime(), end, T0).ToList();
        Assert.Equal(FinishReasons.UserTerminated, ((ConversationOutput.Finished)effects.OfType<Emit>().Single().Output).Result.FinishReason);
        Assert.Equal(new SaveResult(), effects[^1]);
        Assert.Contains(new StopVoice(), effects);
    }
    [Fact]
    public void A_call_that_ends_records_the_media_figures_just_before_its_end_and_the_result_keeps_them()
    {
        var state = Started(CallTypes.OnPhone, "+15550100");
        var first = new MediaStatistics { PacketsSent = 100, PacketsReceived = 90, RtcpReportsReceived = 1, RoundTripMs = 0.4 };
        var latest = first with { PacketsSent = 150, PacketsReceived = 140 };
        var runtime = Runtime with { Media = MediaPhase.Connected };

        // Updates only move the runtime: nothing is journaled per second.
        var update = _decider.Decide(state, runtime, new VoiceEvents.MediaStatisticsUpdated(first), T0);
        Assert.Empty(update.Events);
        update = _decider.Decide(state, update.Runtime, new VoiceEvents.MediaStatisticsUpdated(latest), T0);
        Assert.Equal(latest, update.Runtime.LatestMedia);

        var end = _decider.Decide(state, update.Runtime, new MaxDurationReached(), T0.AddSeconds(5));
        var recorded = end.Events.Select((e, i) => (e, i)).Single(x => x.e is MediaStatisticsRecorded);
        Assert.IsType<Ended>(end.Events[recorded.i + 1]);
        Assert.Equal(latest, ((MediaStatisticsRecorded)recorded.e).Statistics);
        var ended = Apply(state, end);
        Assert.Equal(latest, ended.ToResult(T0.AddSeconds(5)).MediaStatistics);

        // After the end, late figures change nothing; a chat has none.
        var late = _decider.Decide(ended, end.Runtime, new VoiceEvents.MediaStatisticsUpdated(latest with { PacketsSent = 999 }), T0.AddSeconds(6));
        Assert.Empty(late.Events);
        Assert.Null(Apply(Started(), _decider.Decide(Started(), Runtime, new Terminate("c1"), T0)).ToResult(T0).MediaStatistics);
    }
    [Fact]
    public void While_the_far_end_holds_the_call_no_silence_reminder_comes_and_the_resume_arms_it_again()
    {
        var agent = Agent();
        agent = agent with
        {
            Config = agent.Config with
            {
                Features = agent.Config.Features with { SilenceManagement = new SilenceManagementFeature { IsEnabled = true, ReminderSilenceThresholdSeconds = 5 } },
            },
        };
        var state = Started(CallTypes.OnPhone, "+15550100", agent);
        var runtime = Runtime with { Media = MediaPhase.Connected };

        var held = _decider.Decide(state, runtime, new VoiceEvents.HoldChanged(true), T0);
        Assert.True(held.Runtime.Held);
        Assert.Equal(new CancelTimer(ConversationTimers.Silence), Assert.Single(held.Now));
        var elapsed = _decider.Decide(state, held.Runtime, new SilenceElapsed(), T0.AddSeconds(5));
        Assert.True(elapsed.IsEmpty); // a timer already on its way when the hold came: nothing said, nothing recorded

        var resumed = _decider.Decide(state, held.Runtime, new VoiceEvents.HoldChanged(false), T0.AddSeconds(60));
        Assert.False(resumed.Runtime.Held);
        var timer = Assert.IsType<StartTimer>(Assert.Single(resumed.Now));
        Assert.Equal((ConversationTimers.Silence, TimeSpan.FromSeconds(5)), (timer.Key, timer.Delay));
        Assert.NotEmpty(_decider.Decide(state, resumed.Runtime, new SilenceElapsed(), T0.AddSeconds(65)).Events); // the reminder again
    }

    /// <summary>A web call whose user turn ended at T0 and whose answer (step 1) is streaming.</summary>
    private (ConversationState State, ConversationRuntime Runtime) StreamingAnswer()
    {
        var state = Started(CallTypes.WebCall).Apply(new UserSaid("tell me", T0 - TimeSpan.FromSeconds(1), T0));
        var step = _decider.Decide(state, Runtime with { Media = MediaPhase.Connected }, new Continue(), T0);
        Assert.Equal(new TurnClock(T0), step.Runtime.Turn);
        var progress = _decider.Decide(state, step.Runtime, new StepProgress(1, "First", -1, null), T0.AddMilliseconds(300));
        var sentence = _decider.Decide(state, progress.Runtime, new StepProgress(1, null, 0, "First sentence here."), T0.AddMilliseconds(450));
        Assert.IsType<TellVoice>(Assert.Single(sentence.Now));
        return (state, sentence.Runtime);
    }

    [Fact]
    public void A_cut_of_a_reply_still_streaming_cancels_its_step_once_and_its_answer_is_recorded_as_heard_with_its_figures()
    {
        var (state, runtime) = StreamingAnswer();
        var cut = _decider.Decide(state, runtime, new VoiceEvents.SpeechFinished(1, "First", false, T0.AddMilliseconds(700), T0.AddMilliseconds(900)), T0.AddMilliseconds(900));
        Assert.Equal(new CancelStep(1, "First"), Assert.Single(cut.Now));
        Assert.Empty(cut.Events);
        // The session reports every queued line as it cuts them: the step is cancelled only once.
        var again = _decider.Decide(state, cut.Runtime, new VoiceEvents.SpeechFinished(1, "First", false, T0.AddMilliseconds(900), T0.AddMilliseconds(900)), T0.AddMilliseconds(900));
        Assert.True(again.IsEmpty);

        var done = _decider.Decide(state, again.Runtime,
            new StepDone(1, new DialogueStep([new DialogueAction.Say("First sentence here. Second")], "cut")), T0.AddSeconds(1));
        var said = Assert.Single(done.Events.OfType<AssistantSaid>());
        Assert.Equal(new TurnLatency { FirstTokenMs = 300, FirstSentenceMs = 450, FirstAudioMs = 700 }, said.Latency);
        Assert.Equal(new AssistantInterrupted(1, "First", T0.AddSeconds(1)), done.Events.OfType<AssistantInterrupted>().Single());
        Assert.Empty(done.Runtime.AwaitingAudio); // its audio is known already
    }

    [Fact]
    public void A_cancelled_step_that_returned_nothing_consumes_its_input_and_keeps_what_was_heard_without_an_apology()
    {
        var (state, runtime) = StreamingAnswer();
        var cut = _decider.Decide(state, runtime, new VoiceEvents.SpeechFinished(1, "First", false, T0.AddMilliseconds(700), T0.AddMilliseconds(900)), T0.AddMilliseconds(900));
        var cancelled = _decider.Decide(state, cut.Runtime, new StepCancelled(1), T0.AddSeconds(1));
        Assert.Equal([typeof(DialogueAdvanced), typeof(AssistantSaid)], cancelled.Events.Select(e => e.GetType()));
        Assert.Equal("0", ((DialogueAdvanced)cancelled.Events[0]).State); // the engine's state before the step
        Assert.Equal("First", ((AssistantSaid)cancelled.Events[1]).Text);
        Assert.DoesNotContain(cancelled.Now, e => e is Warn or RunStep);
        Assert.Equal(new Feed(new StepSettled(ArmSilence: true)), Assert.Single(cancelled.Then));
        // A stale cancel (an older step's) changes nothing.
        Assert.True(_decider.Decide(state, cut.Runtime, new StepCancelled(0), T0.AddSeconds(1)).IsEmpty);
    }

    [Fact]
    public void A_scripted_chat_answer_has_only_its_first_sentence_time_and_a_greeting_has_no_figures()
    {
        var state = Started().Apply(new UserSaid("hi", T0));
        var step = _decider.Decide(state, Runtime, new Continue(), T0);
        var done = _decider.Decide(state, step.Runtime, new StepDone(1, new DialogueStep([new DialogueAction.Say("Hello!")], "1")), T0.AddMilliseconds(12));
        Assert.Equal(new TurnLatency { FirstSentenceMs = 12 }, Assert.Single(done.Events.OfType<AssistantSaid>()).Latency);
        Assert.Empty(done.Runtime.AwaitingAudio); // a chat plays no audio

        var greeting = new ConversationState().Apply(new ConversationEvents.Started("c2", Agent(), CallTypes.Chat, new JsonObject(), null, [], T0));
        var greet = _decider.Decide(greeting, Runtime, new Continue(), T0);
        var greeted = _decider.Decide(greeting, greet.Runtime, new StepDone(1, new DialogueStep([new DialogueAction.Say("Welcome.")], "0")), T0);
        Assert.Null(Assert.Single(greeted.Events.OfType<AssistantSaid>()).Latency);
    }
}
