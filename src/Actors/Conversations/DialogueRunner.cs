using Akka.Actor;
using Orchestrator.Dialogue;

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

    /// <summary>A streaming engine's reply in progress: the text so far, or a sentence that is complete.</summary>
    public sealed record StepProgress(long Seq, string? TextSoFar, int SentenceIndex, string? Sentence);

    public DialogueRunner(IDialogueEngine engine, TimeSpan stepTimeout)
    {
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
