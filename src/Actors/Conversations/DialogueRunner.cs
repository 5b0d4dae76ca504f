using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Event;
using Orchestrator.Dialogue;
using Orchestrator.Dialogue.Analysis;

namespace Orchestrator.Actors.Conversations;

/// <summary>
/// Runs dialogue steps for one conversation, one at a time, off the entity's thread of control.
/// The step runs as a task while this actor keeps reading its mailbox, so a step the user talks
/// over can be cancelled at once (its token cancelled, the model's HTTP stream aborted); other
/// requests wait in the stash until the step is over. A step that throws tells the entity and then
/// fails this actor, so its supervisor restarts it clean while the conversation itself goes on.
/// </summary>
public sealed class DialogueRunner : ReceiveActor, IWithUnboundedStash
{
    public sealed record RunStep(long Seq, string? State, DialogueInput Input);

    public sealed record StepDone(long Seq, DialogueStep Step);

    public sealed record StepFailed(long Seq, string Reason);

    /// <summary>
    /// The user talked over step <paramref name="Seq"/>'s reply (<paramref name="Heard"/> of it, when known),
    /// or the conversation ended: end it now. Ignored once it is over.
    /// </summary>
    public sealed record CancelStep(long Seq, string? Heard = null);

    /// <summary>
    /// A cancelled step whose engine threw rather than ending early: it produced nothing, which is
    /// not a failure (no retry, no apology).
    /// </summary>
    public sealed record StepCancelled(long Seq);

    /// <summary>Fill the post-call forms; <paramref name="Empty"/> is the answer when the engine cannot.</summary>
    public sealed record Analyze(string? State, IReadOnlyList<AnalysisForm> Forms, IReadOnlyList<AnalysisLine> Transcript, JsonObject Empty);

    public sealed record AnalysisDone(JsonObject Analysis);

    /// <summary>A streaming engine's reply in progress: the text so far, or a sentence that is complete.</summary>
    public sealed record StepProgress(long Seq, string? TextSoFar, int SentenceIndex, string? Sentence);

    private sealed record StepEnded(Running Step, DialogueStep? Result, Exception? Error);

    private readonly IDialogueEngine _engine;
    private readonly TimeSpan _stepTimeout;
    private Running? _running;

    public IStash Stash { get; set; } = null!;

    public DialogueRunner(IDialogueEngine engine, TimeSpan stepTimeout)
    {
        _engine = engine;
        _stepTimeout = stepTimeout;
        Idle();
    }

    private void Idle()
    {
        ReceiveAsync<Analyze>(async analyze =>
        {
            var replyTo = Sender;
            var analysis = analyze.Empty;
            if (_engine is IDialogueAnalyzer analyzer)
            {
                try
                {
                    using var cts = new CancellationTokenSource(_stepTimeout);
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
        Receive<RunStep>(Start);
        Receive<CancelStep>(_ => { }); // its step is already over
    }

    private void Busy()
    {
        Receive<CancelStep>(cancel =>
        {
            if (cancel.Seq == _running!.Seq) _running.Interrupt(cancel.Heard);
        });
        Receive<StepEnded>(OnStepEnded);
        ReceiveAny(_ => Stash.Stash());
    }

    private void Start(RunStep run)
    {
        var step = new Running(run.Seq, Sender, Self, _stepTimeout);
        _running = step;
        Run(run, step).PipeTo(Self,
            success: result => new StepEnded(step, result, null),
            failure: ex => new StepEnded(step, null, ex));
        Become(Busy);
    }

    // Async from its first line, so an engine that throws before awaiting still ends as a failed task.
    private async Task<DialogueStep> Run(RunStep run, Running step) => _engine is IStreamingDialogueEngine streaming
        ? await streaming.AdvanceAsync(run.State, run.Input, step, step.Token)
        : await _engine.AdvanceAsync(run.State, run.Input, step.Token);

    private void OnStepEnded(StepEnded ended)
    {
        var step = ended.Step;
        _running = null;
        step.Dispose();
        Become(Idle);
        Stash.UnstashAll();
        if (ended.Result is { } result)
        {
            step.ReplyTo.Tell(new StepDone(step.Seq, result));
            return;
        }
        if (step.Interrupted)
        {
            step.ReplyTo.Tell(new StepCancelled(step.Seq));
            return;
        }
        var ex = ended.Error ?? new InvalidOperationException("The dialogue step ended without a result");
        ex = ex is AggregateException { InnerException: { } inner } ? inner : ex;
        step.ReplyTo.Tell(new StepFailed(step.Seq, ex.GetType().Name + ": " + ex.Message));
        throw new DialogueStepException($"Dialogue step {step.Seq} failed", ex);
    }

    protected override void PostStop()
    {
        // The conversation stopped or this runner is being restarted: a model still streaming is hung up on.
        _running?.Interrupt();
        base.PostStop();
    }

    /// <summary>
    /// The step in flight: its token (cancelled at the step time-out or on an interruption), and the
    /// sink its progress goes through straight to the entity as messages, so the engine stays free of Akka.
    /// </summary>
    private sealed class Running : IDialogueStream, IDisposable
    {
        private readonly CancellationTokenSource _cts;
        private readonly IActorRef _runner;
        private volatile bool _interrupted;
        private volatile string? _heard;

        public Running(long seq, IActorRef replyTo, IActorRef runner, TimeSpan timeout)
        {
            Seq = seq;
            ReplyTo = replyTo;
            _runner = runner;
            _cts = new CancellationTokenSource(timeout);
        }

        public long Seq { get; }
        public IActorRef ReplyTo { get; }
        public CancellationToken Token => _cts.Token;
        public bool Interrupted => _interrupted;
        public string? Heard => _heard;

        public void Interrupt(string? heard = null)
        {
            // Set before the cancel: the engine reads them when the cancellation reaches it.
            _heard ??= heard;
            _interrupted = true;
            try
            {
                _cts.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Over already.
            }
        }

        public void Partial(string textSoFar) => ReplyTo.Tell(new StepProgress(Seq, textSoFar, -1, null), _runner);

        public void Sentence(int index, string sentence) => ReplyTo.Tell(new StepProgress(Seq, null, index, sentence), _runner);

        public void Dispose() => _cts.Dispose();
    }

    public static Props Props(IDialogueEngine engine, TimeSpan stepTimeout) =>
        Akka.Actor.Props.Create(() => new DialogueRunner(engine, stepTimeout));
}

public sealed class DialogueStepException(string message, Exception inner) : Exception(message, inner);
