using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Event;
using Orchestrator.Dialogue;
using Orchestrator.Dialogue.Analysis;

namespace Orchestrator.Actors.Conversations;

/// <summary>
/// Runs dialogue steps for one conversation, one at a time, off the entity's thread of control.
/// A step that throws tells the entity and then fails this actor, so its supervisor restarts it
/// clean while the conversation itself goes on.
/// </summary>
public sealed class DialogueRunner : ReceiveActor
{
    public sealed record RunStep(long Seq, string? State, DialogueInput Input);

    public sealed record StepDone(long Seq, DialogueStep Step);

    public sealed record StepFailed(long Seq, string Reason);

    /// <summary>Fill the post-call forms; <paramref name="Empty"/> is the answer when the engine cannot.</summary>
    public sealed record Analyze(string? State, IReadOnlyList<AnalysisForm> Forms, IReadOnlyList<AnalysisLine> Transcript, JsonObject Empty);

    public sealed record AnalysisDone(JsonObject Analysis);

    /// <summary>A streaming engine's reply in progress: the text so far, or a sentence that is complete.</summary>
    public sealed record StepProgress(long Seq, string? TextSoFar, int SentenceIndex, string? Sentence);

    public DialogueRunner(IDialogueEngine engine, TimeSpan stepTimeout)
    {
        ReceiveAsync<Analyze>(async analyze =>
        {
            var replyTo = Sender;
            var analysis = analyze.Empty;
            if (engine is IDialogueAnalyzer analyzer)
            {
                try
                {
                    using var cts = new CancellationTokenSource(stepTimeout);
                    analysis = await analyzer.AnalyzeAsync(analyze.State, analyze.Forms, analyze.Transcript, cts.Token);
                }
                catch (Exception ex)
                {
                    // The result is stored all the same, with nulls: it is not held back by the analysis.
                    Context.GetLogger().Warning("Post-call analysis failed: {0}", ex.GetType().Name + ": " + ex.Message);
                }
            }
            replyTo.Tell(new AnalysisDone(analysis));
        });
        ReceiveAsync<RunStep>(async run =>
        {
            var replyTo = Sender;
            try
            {
                using var cts = new CancellationTokenSource(stepTimeout);
                var step = engine is IStreamingDialogueEngine streaming
                    ? await streaming.AdvanceAsync(run.State, run.Input, new ProgressToSender(replyTo, run.Seq), cts.Token)
                    : await engine.AdvanceAsync(run.State, run.Input, cts.Token);
                replyTo.Tell(new StepDone(run.Seq, step));
            }
            catch (Exception ex)
            {
                replyTo.Tell(new StepFailed(run.Seq, ex.GetType().Name + ": " + ex.Message));
                throw new DialogueStepException($"Dialogue step {run.Seq} failed", ex);
            }
        });
    }

    /// <summary>Progress goes straight to the entity as messages: the engine stays free of Akka.</summary>
    private sealed class ProgressToSender(IActorRef entity, long seq) : IDialogueStream
    {
        public void Partial(string textSoFar) => entity.Tell(new StepProgress(seq, textSoFar, -1, null));

        public void Sentence(int index, string sentence) => entity.Tell(new StepProgress(seq, null, index, sentence));
    }

    public static Props Props(IDialogueEngine engine, TimeSpan stepTimeout) =>
        Akka.Actor.Props.Create(() => new DialogueRunner(engine, stepTimeout));
}

public sealed class DialogueStepException(string message, Exception inner) : Exception(message, inner);
