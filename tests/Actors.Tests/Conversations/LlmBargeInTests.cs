using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.TestKit;
using Orchestrator.Actors.Conversations;
using Orchestrator.Actors.Tests.Voice;
using Orchestrator.Actors.Voice;
using Orchestrator.Dialogue;
using Orchestrator.Dialogue.Tests.Llm;
using Orchestrator.Messages.Agents;
using Orchestrator.Messages.Conversations;
using Orchestrator.Messages.Results;
using static Orchestrator.Messages.Conversations.ConversationCommands;

namespace Orchestrator.Actors.Tests.Conversations;

/// <summary>
/// A call whose LLM agent (the real engine and OpenAI adapter, against the local model server) is
/// talked over while its reply still streams: the model's HTTP stream is aborted, and its next
/// request holds only what the caller heard.
/// </summary>
public sealed class LlmBargeInTests : ConversationTestBase, IAsyncLifetime
{
    private readonly TestProbe _media;
    private readonly FakeVoiceFactory _voice;
    private FakeOpenAiServer _model = null!;

    public LlmBargeInTests()
    {
        _media = CreateTestProbe();
        _voice = new FakeVoiceFactory(_media.Ref);
    }

    public async Task InitializeAsync() => _model = await FakeOpenAiServer.StartAsync();

    public async Task DisposeAsync() => await _model.DisposeAsync();

    private Agent LlmAgent() => TestAgent(vendor: "openai") with
    {
        Config = TestAgent().Config with
        {
            LlmConfig = new LlmConfig { Vendor = "openai", Endpoint = _model.Endpoint, Model = "test-model", Prompt = "You book tables." },
            Features = new AgentFeatures { TalkFirst = new TalkFirstFeature { IsEnabled = true, Greeting = "Hello." } },
        },
    };

    [Fact]
    public async Task A_caller_talking_over_a_streaming_reply_aborts_the_model_stream_and_the_next_request_holds_what_was_heard()
    {
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _model.Reply(new FakeReply { Chunks = ["We have a table at eight tonight. ", "We also have one ", "at nine."], Hold = hold, HoldAfter = 2 })
              .ReplyText("Eight it is.");
        var socket = CreateTestProbe();
        const string id = "llm-1";
        var entity = Sys.ActorOf(ConversationEntity.Props(id, Settings, new DialogueEngineFactory(), Results, LiveIndex, _voice), id);
        entity.Tell(new Start(id, LlmAgent(), CallTypes.WebCall, new JsonObject(), null, [], socket.Ref));
        ExpectMsg<ConversationReplies.Started>();
        Assert.Equal("Hello.", _media.ExpectMsg<VoiceCommands.Speak>(TimeSpan.FromSeconds(10)).Text);
        var session = _media.LastSender;
        entity.Tell(new SdpAnswer(id, "v=0 answer"));
        _media.ExpectMsg<VoiceCommands.ApplyAnswer>();
        session.Tell(new FakeVoiceSession.Raise(new VoiceEvents.MediaConnected()));
        var now = DateTimeOffset.UtcNow;
        session.Tell(new FakeVoiceSession.Raise(new VoiceEvents.UserSpeechFinal("Any table tonight?", now, now)));

        // The first sentence is spoken while the model holds the rest; the caller cuts it.
        var speak = _media.ExpectMsg<VoiceCommands.Speak>(TimeSpan.FromSeconds(10));
        Assert.Equal((2, "We have a table at eight tonight."), (speak.Index, speak.Text));
        now = DateTimeOffset.UtcNow;
        session.Tell(new FakeVoiceSession.Raise(new VoiceEvents.SpeechFinished(2, "We have a table", false, now, now)));
        await _model.WaitForAbortAsync(1);
        Assert.False(hold.Task.IsCompleted);
        socket.FishForMessage(m => m is ConversationOutput.Utterance { Partial: false, Text: "We have a table" }, TimeSpan.FromSeconds(10));

        now = DateTimeOffset.UtcNow;
        session.Tell(new FakeVoiceSession.Raise(new VoiceEvents.UserSpeechFinal("Eight please.", now, now)));
        speak = _media.ExpectMsg<VoiceCommands.Speak>(TimeSpan.FromSeconds(10));
        Assert.Equal((4, "Eight it is."), (speak.Index, speak.Text));
        var messages = (await _model.WaitForRequestAsync(2))["messages"]!.AsArray();
        Assert.Equal(["system", "assistant", "user", "assistant", "user"], messages.Select(m => m!["role"]!.GetValue<string>()));
        Assert.Equal(["Hello.", "Any table tonight?", "We have a table", "Eight please."], messages.Skip(1).Select(m => Text(m!)));
        Assert.Equal(2, _model.Requests.Count); // the cut step was not retried
        // The reply is recorded (its final text sent) before the hang-up: a step still running at the end is dropped.
        socket.FishForMessage(m => m is ConversationOutput.Utterance { Partial: false, Text: "Eight it is." }, TimeSpan.FromSeconds(10));

        entity.Tell(new Terminate(id));
        var result = socket.FishForMessage<ConversationOutput.Finished>(_ => true, TimeSpan.FromSeconds(10)).Result;
        Assert.Equal(["Hello.", "Any table tonight?", "We have a table", "Eight please.", "Eight it is."], result.Transcription.Select(t => t.Text));
    }

    [Fact]
    public async Task In_a_web_call_over_real_media_the_caller_cuts_the_first_sentence_and_the_model_hears_only_what_played()
    {
        // TestKit's waits block pool threads; on 2 cores the pool would starve the media (as in WebCallSessionTests).
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 16), io);
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        const string sentence = "We have a table at eight tonight by the window.";
        _model.Reply(new FakeReply { Chunks = [sentence + " ", "We also have one ", "at nine."], Hold = hold, HoldAfter = 2 })
              .ReplyText("Eight it is.");
        var voice = new VoiceSessionFactory(new MediaSettings(), new ScriptedRecognizer("any table tonight"), new ToneSynthesizer());
        var agent = LlmAgent() with { Config = LlmAgent().Config with { Features = new AgentFeatures { TalkFirst = new TalkFirstFeature { IsEnabled = false } } } };
        var socket = CreateTestProbe();
        const string id = "llm-2";
        var entity = Sys.ActorOf(ConversationEntity.Props(id, Settings, new DialogueEngineFactory(), Results, LiveIndex, voice), id);
        entity.Tell(new Start(id, agent, CallTypes.WebCall, new JsonObject(), null, [], socket.Ref));
        ExpectMsg<ConversationReplies.Started>();
        var offer = socket.FishForMessage<ConversationOutput.SdpInvite>(_ => true, TimeSpan.FromSeconds(10)).Sdp;
        await using var browser = new SimulatedBrowser();
        entity.Tell(new SdpAnswer(id, browser.Answer(offer)));
        await browser.ConnectAsync(TimeSpan.FromSeconds(10));
        socket.FishForMessage<ConversationOutput.Opened>(_ => true, TimeSpan.FromSeconds(10));
        await Task.Delay(300); // the noise floor is learnt from the first frames

        browser.Say(ToneSynthesizer.Tone(800, frequency: 220, amplitude: 5000));
        // The first sentence (about 2.9 s of tone) plays while the model holds the rest of its reply.
        await _model.WaitForRequestAsync(1);
        await browser.WaitForLoudAudioAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(1000);
        browser.Say(ToneSynthesizer.Tone(800, frequency: 220, amplitude: 5000));
        await _model.WaitForAbortAsync(1);
        Assert.False(hold.Task.IsCompleted);

        var messages = (await _model.WaitForRequestAsync(2))["messages"]!.AsArray();
        Assert.Equal(["system", "user", "assistant", "user"], messages.Select(m => m!["role"]!.GetValue<string>()));
        var heard = Text(messages[2]!);
        Assert.StartsWith(heard, sentence);
        Assert.InRange(heard.Length, 1, sentence.Length - 1); // cut where the caller spoke, on a word boundary

        await socket.FishForMessageAsync(m => m is ConversationOutput.Utterance { Partial: false, Text: "Eight it is." }, TimeSpan.FromSeconds(10));
        entity.Tell(new Terminate(id));
        var result = socket.FishForMessage<ConversationOutput.Finished>(_ => true, TimeSpan.FromSeconds(10)).Result;
        Assert.Equal(["any table tonight", heard, "any table tonight", "Eight it is."], result.Transcription.Select(t => t.Text));
        var latency = result.Transcription[1].Latency!;
        Assert.NotNull(latency.FirstTokenMs);
        Assert.InRange(latency.FirstAudioMs!.Value, latency.FirstSentenceMs!.Value, 10_000); // audio after its sentence was ready
    }

    private static string Text(JsonNode message) => message["content"] switch
    {
        JsonValue v => v.GetValue<string>(),
        JsonArray parts => string.Concat(parts.Select(p => p!["text"]?.GetValue<string>())),
        _ => "",
    };
}
