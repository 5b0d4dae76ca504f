using System.Text.Json.Nodes;

namespace Orchestrator.Dialogue;

/// <summary>
/// Decides what the agent says and does next. Engines are pure functions of (state, input):
/// the conversation actor persists the opaque state after every step, so a restarted
/// conversation continues from its journal even when the engine itself (an LLM) is not
/// deterministic. An engine instance is shared by many conversations and must be thread-safe.
/// </summary>
public interface IDialogueEngine
{
    /// <summary>Advance one step. <paramref name="state"/> is null on the first call.</summary>
    ValueTask<DialogueStep> AdvanceAsync(string? state, DialogueInput input, CancellationToken cancellationToken = default);
}

/// <summary>Builds the engine for one agent configuration (the vendor picks the implementation).</summary>
public interface IDialogueEngineFactory
{
    /// <summary>Throws <see cref="DialogueConfigException"/> with a clear message if the setup is unusable.</summary>
    IDialogueEngine Create(DialogueSetup setup);
}

/// <summary>Everything an engine may know about its agent and conversation when it is created.</summary>
/// <param name="Vendor">llmConfig.vendor: "scripted" (default) or another engine's name.</param>
/// <param name="Script">The agent's <c>config.script</c> object (scripted vendor), or null.</param>
/// <param name="Prompt">llmConfig.prompt (LLM vendors).</param>
/// <param name="Greeting">features.talkFirst.greeting when talk-first is enabled, else null.</param>
/// <param name="AdditionalData">The conversation's additionalData merged over the agent's (prompt variables).</param>
/// <param name="Tools">Names and descriptions of the tools the agent may call.</param>
public sealed record DialogueSetup(
    string Vendor,
    JsonObject? Script,
    string? Prompt,
    string? Greeting,
    JsonObject AdditionalData,
    IReadOnlyList<DialogueTool> Tools)
{
    /// <summary>The model an LLM vendor talks to (llmConfig endpoint, model, apiKey, options); null for scripted agents.</summary>
    public DialogueModel? Model { get; init; }
}

/// <summary>llmConfig of an LLM agent. <paramref name="Options"/> holds temperature, maxTokens, topP, maxToolSteps….</summary>
public sealed record DialogueModel(string? Endpoint, string? Model, string? ApiKey, JsonObject? Options)
{
    /// <summary>Other models tried in order when this one fails (their Options are unused: the agent's apply).</summary>
    public IReadOnlyList<DialogueModel> Fallbacks { get; init; } = [];
}

public sealed record DialogueTool(string Name, string? Description, JsonObject? Schema);

/// <summary>What happened that the engine must react to.</summary>
public abstract record DialogueInput
{
    /// <summary>The conversation opened. A talk-first agent greets here.</summary>
    public sealed record Started : DialogueInput;

    /// <summary>A final user utterance (typed chat, recognised speech, or DTMF digits as text).</summary>
    public sealed record UserSaid(string Text) : DialogueInput
    {
        /// <summary>
        /// What the user heard of the assistant's last line, as the transcript keeps it (voice: cut
        /// where the caller talked over it). An engine keeping its own history (an LLM) replaces a
        /// longer reply it remembers with this, so it never thinks the caller heard the rest.
        /// </summary>
        public string? LastReplyHeard { get; init; }
    }

    /// <summary>A tool the engine asked for finished. Status is "ok", "timeout" (Result is the fallback) or "error".</summary>
    public sealed record ToolFinished(string CallId, string ToolName, JsonNode? Result, string Status) : DialogueInput;

    /// <summary>The user has been silent for the reminder threshold.</summary>
    public sealed record Silence(int Attempt) : DialogueInput;
}

/// <summary>The result of one step: things to do, in order, and the new opaque state.</summary>
public sealed record DialogueStep(IReadOnlyList<DialogueAction> Actions, string State);

public abstract record DialogueAction
{
    /// <summary>Say something to the user.</summary>
    public sealed record Say(string Text) : DialogueAction;

    /// <summary>
    /// Run a tool. CallId is chosen by the engine, unique within the conversation (for example
    /// derived from a counter in its state), and comes back in <see cref="DialogueInput.ToolFinished"/>.
    /// The engine should not expect further user input to be meaningful until results arrive.
    /// </summary>
    public sealed record CallTool(string CallId, string ToolName, JsonObject Args) : DialogueAction;

    /// <summary>The agent ends the conversation (finish reason agent_ended).</summary>
    public sealed record End : DialogueAction;
}

/// <summary>
/// An engine that can show its reply while it is being produced (an LLM streaming tokens). The
/// runner passes a sink; what goes to it is shown or spoken at once and never journaled: only the
/// step's final <see cref="DialogueAction.Say"/> is.
/// </summary>
public interface IStreamingDialogueEngine : IDialogueEngine
{
    ValueTask<DialogueStep> AdvanceAsync(string? state, DialogueInput input, IDialogueStream stream, CancellationToken cancellationToken = default);
}

/// <summary>Where a streaming engine reports a reply in progress. Called from the engine's thread.</summary>
public interface IDialogueStream
{
    /// <summary>The whole reply of this model call so far (chat shows it as a <c>potential</c> text).</summary>
    void Partial(string textSoFar);

    /// <summary>
    /// A sentence of the reply is complete (voice speaks it now). <paramref name="index"/> counts the
    /// sentences of this step from 0; the step's final Say of the same text follows.
    /// </summary>
    void Sentence(int index, string sentence);

    /// <summary>
    /// True once the user talked over this step's reply: the step's token was cancelled for that,
    /// not for a time-out. An engine that can should then end the step at once with what it has
    /// (the reply so far, as its Say and in its state, and no tool calls) instead of throwing, so the
    /// conversation records the turn and the user's cut of it; one that throws is simply not answered.
    /// </summary>
    bool Interrupted => false;

    /// <summary>
    /// Once <see cref="Interrupted"/>: what the user heard of the reply, when the conversation knows it
    /// (voice: what was played). The engine keeps its reply only that far, whatever input comes next.
    /// </summary>
    string? Heard => null;
}

public sealed class DialogueConfigException(string message) : Exception(message);
