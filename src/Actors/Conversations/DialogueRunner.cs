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

    public DialogueRunner(IDialogueEngine engine, TimeSpan stepTimeout)
    {
        ReceiveAsync<RunStep>(async run =>
        {
            var replyTo = Sender;
            try
            {
                using var cts = new CancellationTokenSource(stepTimeout);
                var step = await engine.AdvanceAsync(run.State, run.Input, cts.Token);
                replyTo.Tell(new StepDone(run.Seq, step));
            }
            catch (Exception ex)
            {
                replyTo.Tell(new StepFailed(run.Seq, ex.GetType().Name + ": " + ex.Message));
                throw new DialogueStepException($"Dialogue step {run.Seq} failed", ex);
            }
        });
    }

    public static Props Props(IDialogueEngine engine, TimeSpan stepTimeout) =>
        Akka.Actor.Props.Create(() => new DialogueRunner(engine, stepTimeout));
}

public sealed class DialogueStepException(string message, Exception inner) : Exception(message, inner);
