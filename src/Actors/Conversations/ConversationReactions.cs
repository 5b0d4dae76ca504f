using Orchestrator.Actors.Voice;
using Orchestrator.Messages.Conversations;
using static Orchestrator.Actors.Conversations.ConversationEffect;
using static Orchestrator.Messages.Conversations.ConversationEvents;

namespace Orchestrator.Actors.Conversations;

/// <summary>What the entity does once an event is recorded and applied (never during recovery).</summary>
public static class ConversationReactions
{
    /// <param name="state">The state with <paramref name="evt"/> applied.</param>
    /// <param name="runtime">The runtime of the decision that recorded it.</param>
    public static IEnumerable<ConversationEffect> To(ConversationState state, ConversationRuntime runtime, object evt, DateTimeOffset now)
    {
        switch (evt)
        {
            case UserSaid heard:
                yield return new Emit(new ConversationOutput.Utterance(Speakers.User, heard.Text, false));
                break;
            case AssistantSaid said:
                var streamed = runtime.Streamed?.Index == state.Transcript.Count - 1;
                // The final text of a reply cut while it streamed is what was played (protocol.md); none when nothing was.
                var shown = streamed && runtime.Streamed!.Heard is { } played ? played : said.Text;
                if (shown.Length > 0) yield return new Emit(new ConversationOutput.Utterance(Speakers.Assistant, shown, false));
                // A reply spoken as it streamed is not spoken again.
                if (state.IsVoice() && !streamed) yield return new TellVoice(Speak(state, said));
                if (said.Latency is { } latency) yield return new RecordLatency(state.CallType, latency);
                break;
            case ToolCallRequested { OnClient: true } request:
                yield return new Emit(new ConversationOutput.ToolRequested(request.Id, request.ToolName, request.Args));
                yield return ConversationDecider.ToolTimer(request.Id, request.DeadlineAt, now);
                break;
            case ToolCallRequested { OnClient: false } request
                when state.FindToolCall(request.Id) is { IsPending: true } requested && ConversationDecisions.RunsOnServer(state, requested):
                yield return new RunServerTool(request.Id);
                break;
            case ToolCallCompleted done:
                yield return new CancelTimer(ConversationTimers.Tool(done.Id));
                var call = state.FindToolCall(done.Id)!;
                yield return new Emit(new ConversationOutput.ToolFinished(done.Id, call.ToolName, done.Result, done.Status));
                break;
            case Ended:
                // A model still writing a reply nobody will read is hung up on.
                if (runtime.StepInFlight) yield return new CancelStep(runtime.StepSeq);
                yield return new StopVoice();
                foreach (var key in new[] { ConversationTimers.Grace, ConversationTimers.MaxDuration, ConversationTimers.Silence,
                             ConversationTimers.Answer, ConversationTimers.Dtmf })
                    yield return new CancelTimer(key);
                foreach (var tool in state.ToolCalls) yield return new CancelTimer(ConversationTimers.Tool(tool.Id));
                if (ConversationDecisions.NeedsAnalysis(state))
                {
                    // The client's conversationResult is the stored result: it waits for the forms.
                    yield return new Analyze();
                    break;
                }
                foreach (var effect in Finish(state, now)) yield return effect;
                break;
            case AnalysisFilled:
                foreach (var effect in Finish(state, now)) yield return effect;
                break;
        }
    }

    /// <summary>The result to the client, the socket let go, the result stored.</summary>
    private static IEnumerable<ConversationEffect> Finish(ConversationState state, DateTimeOffset now) =>
        [new Emit(new ConversationOutput.Finished(state.ToResult(now))), new UnlinkSocket(), new SaveResult()];

    /// <summary>The line just said, to the media: the greeting is interruptible as talk-first says.</summary>
    private static VoiceCommands.Speak Speak(ConversationState state, AssistantSaid said)
    {
        var index = state.Transcript.Count - 1;
        return new VoiceCommands.Speak(index, said.Text, Interruptible(state, index));
    }

    public static bool Interruptible(ConversationState state, int index)
    {
        var config = state.Agent!.Config;
        return index == 0
            ? config.Features.TalkFirst.Interruptible
            : AgentConfigValues.Bool(config.TtsConfig, "interruptible") ?? true;
    }
}
