using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.TestKit;
using Orchestrator.Actors.Conversations;
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

        entity.Tell(new Terminate(id));
        var result = socket.FishForMessage<ConversationOutput.Finished>(_ => true, TimeSpan.FromSeconds(10)).Result;
        Assert.Equal(["Hello.", "Any table tonight?", "We have a table", "Eight please.", "Eight it is."], result.Transcription.Select(t => t.Text));
    }

    private static string Text(JsonNode message) => message["content"] switch
    {
        JsonValue v => v.GetValue<string>(),
        JsonArray parts => string.Concat(parts.Select(p => p!["text"]?.GetValue<string>())),
        _ => "",
    };
}
