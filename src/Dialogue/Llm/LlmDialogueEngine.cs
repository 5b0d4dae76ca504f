using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Orchestrator.Dialogue.Scripted;

namespace Orchestrator.Dialogue.Llm;

/// <summary>
/// The LLM engine (<c>llmConfig.vendor: openai</c>): each step sends the history kept in its state
/// to an OpenAI-compatible model and streams the reply. Tools the model asks for become
/// <see cref="DialogueAction.CallTool"/>s, run by the conversation (client or server) and answered
/// with <see cref="DialogueInput.ToolFinished"/>; once every call of a model step has its result
/// the model is asked again. Thread-safe: all per-conversation data is in the state.
/// </summary>
public sealed class LlmDialogueEngine : IStreamingDialogueEngine, Analysis.IDialogueAnalyzer
{
    public const string Vendor = "openai";
    private const string SilenceReminder = "Are you still there?";

    // The agent's model first, then its fallbacks, each with the model id it is asked for.
    private readonly IReadOnlyList<(IChatClient Client, string? ModelId)> _models;
    private readonly DialogueSetup _setup;
    private readonly string _instructions;
    private readonly string? _greeting;
    private readonly int _maxToolSteps;

    public LlmDialogueEngine(IChatClient client, DialogueSetup setup) : this([(client, setup.Model?.Model)], setup)
    {
    }

    public LlmDialogueEngine(IReadOnlyList<(IChatClient Client, string? ModelId)> models, DialogueSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        if (models is not { Count: > 0 }) throw new ArgumentException("An LLM engine needs a model", nameof(models));
        _models = models;
        _setup = setup;
        // The prompt uses the scripts' template syntax; only additionalData is known up front.
        var context = new TemplateContext(
            JsonSerializer.SerializeToElement<JsonNode?>(setup.AdditionalData ?? new JsonObject()),
            ImmutableDictionary<string, JsonElement>.Empty, null, null, null, null);
        _instructions = Template.ParseLenient(setup.Prompt ?? "").Render(context);
        _greeting = string.IsNullOrWhiteSpace(setup.Greeting) ? null : Template.ParseLenient(setup.Greeting).Render(context);
        _maxToolSteps = LlmRequest.MaxToolSteps(setup.Model);
    }

    /// <summary>The system instructions the model is given (the prompt with its variables filled).</summary>
    public string Instructions => _instructions;

    public ValueTask<DialogueStep> AdvanceAsync(string? state, DialogueInput input, CancellationToken cancellationToken = default) =>
        AdvanceAsync(state, input, NoStream.Instance, cancellationToken);

    public async ValueTask<DialogueStep> AdvanceAsync(string? state, DialogueInput input, IDialogueStream stream,
        CancellationToken cancellationToken = default)
    {
        var s = state is null ? new LlmState() : LlmState.Deserialize(state);
        if (s.Ended) return new DialogueStep([], state ?? s.Serialize());
        var actions = new List<DialogueAction>();
        switch (input)
        {
            case DialogueInput.Started when state is null:
                if (_greeting is not null)
                {
                    s.Messages.Add(new LlmMessage { Role = "assistant", Text = _greeting });
                    actions.Add(new DialogueAction.Say(_greeting));
                }
                break;
            case DialogueInput.UserSaid said:
                KeepOnlyWhatWasHeard(s, said.LastReplyHeard);
                s.Messages.Add(new LlmMessage { Role = "user", Text = said.Text ?? "" });
                s.ToolSteps = 0;
                if (s.Pending.Count > 0) break; // answered with the tool results, which are still to come
                await CallModelAsync(s, actions, stream, cancellationToken);
                break;
            case DialogueInput.ToolFinished finished:
                var call = s.Pending.FirstOrDefault(c => c.Id == finished.CallId);
                if (call is null) return new DialogueStep([], state ?? s.Serialize()); // late or duplicate
                s.Pending.Remove(call);
                s.Messages.Add(new LlmMessage
                {
                    Role = "tool", CallId = call.ModelId, Result = ToolResultText(finished),
                });
                if (s.Pending.Count == 0) await CallModelAsync(s, actions, stream, cancellationToken);
                break;
            case DialogueInput.Silence when s.Pending.Count == 0:
                s.Messages.Add(new LlmMessage { Role = "assistant", Text = SilenceReminder });
                actions.Add(new DialogueAction.Say(SilenceReminder));
                break;
            default:
                if (state is not null) return new DialogueStep([], state);
                break;
        }
        return new DialogueStep(actions.ToImmutableArray(), s.Serialize());
    }

    /// <summary>One model call: streams its text, then records the reply and the tools it asked for.</summary>
    private async Task CallModelAsync(LlmState s, List<DialogueAction> actions, IDialogueStream stream, CancellationToken ct)
    {
        var options = LlmRequest.Options(_setup.Model, _instructions, _setup.Tools ?? [], withTools: s.ToolSteps < _maxToolSteps);
        var messages = LlmRequest.Messages(s);
        var text = new StringBuilder();
        var calls = new List<FunctionCallContent>();
        var sentences = new SentenceSplitter();
        var spoken = 0;
        for (var m = 0; ; m++)
        {
            try
            {
                options.ModelId = _models[m].ModelId;
                await StreamAsync(_models[m].Client, messages, options, text, calls, sentences, stream, () => spoken++, ct);
                break;
            }
            // Cancelled because the user talked over the reply (the HTTP stream is aborted with the
            // token): whatever the cancellation surfaced as, the step ends with the text so far. Tool
            // calls are dropped: the model asked for them in a reply the user cut short.
            catch (Exception) when (stream.Interrupted)
            {
                RecordInterrupted(s, actions, text.ToString().Trim(), stream.Heard);
                return;
            }
            // The next model only while nothing of this reply has been shown or spoken.
            catch (Exception e) when (e is not OperationCanceledException && m + 1 < _models.Count && text.Length == 0 && calls.Count == 0)
            {
            }
        }
        if (sentences.Flush() is { } last) stream.Sentence(spoken, last);
        RecordReply(s, actions, text.ToString().Trim(), calls);
    }

    /// <summary>
    /// A reply cut while it streamed is said as far as it was written (the conversation records it cut
    /// to what was played) and kept in the history as far as it was heard: cut now when the cancel
    /// said how far, else by the next user turn's <see cref="DialogueInput.UserSaid.LastReplyHeard"/>
    /// (<see cref="KeepOnlyWhatWasHeard"/>, which leaves an already cut reply as it is). Either way the
    /// heard part is in the history once, as this reply. Nothing written or heard: no assistant message.
    /// </summary>
    private static void RecordInterrupted(LlmState s, List<DialogueAction> actions, string reply, string? heard)
    {
        if (reply.Length == 0) return;
        s.Messages.Add(new LlmMessage { Role = "assistant", Text = reply });
        actions.Add(new DialogueAction.Say(reply));
        KeepOnlyWhatWasHeard(s, heard);
    }

    private static async Task StreamAsync(IChatClient client, List<ChatMessage> messages, ChatOptions options, StringBuilder text,
        List<FunctionCallContent> calls, SentenceSplitter sentences, IDialogueStream stream, Func<int> nextSentence, CancellationToken ct)
    {
        await foreach (var update in client.GetStreamingResponseAsync(messages, options, ct))
        {
            foreach (var content in update.Contents)
            {
                switch (content)
                {
                    case TextContent { Text.Length: > 0 } t:
                        text.Append(t.Text);
                        stream.Partial(text.ToString());
                        foreach (var sentence in sentences.Add(t.Text)) stream.Sentence(nextSentence(), sentence);
                        break;
                    case FunctionCallContent f:
                        calls.Add(f);
                        break;
                }
            }
        }
    }

    /// <summary>Records the model's reply and the tools it asked for, and turns them into actions.</summary>
    private static void RecordReply(LlmState s, List<DialogueAction> actions, string reply, List<FunctionCallContent> calls)
    {
        var message = new LlmMessage { Role = "assistant", Text = reply.Length > 0 ? reply : null };
        s.Messages.Add(message);
        if (reply.Length > 0) actions.Add(new DialogueAction.Say(reply));
        if (calls.Count == 0) return;

        message.Calls = [];
        var ending = false;
        foreach (var f in calls)
        {
            s.Calls++;
            var call = new LlmToolCall
            {
                Id = "llm-" + s.Calls.ToString(CultureInfo.InvariantCulture),
                ModelId = f.CallId,
                Name = f.Name,
                Args = LlmRequest.ArgsObject(f.Arguments),
            };
            message.Calls.Add(call);
            if (f.Name == LlmRequest.EndConversationTool) ending = true;
            else s.Pending.Add(call);
        }
        if (ending)
        {
            // The conversation ends after this reply: other calls of the same step are not run.
            s.Pending.Clear();
            s.Ended = true;
            actions.Add(new DialogueAction.End());
            return;
        }
        s.ToolSteps++;
        foreach (var call in s.Pending) actions.Add(new DialogueAction.CallTool(call.Id, call.Name, (JsonObject)call.Args.DeepClone()));
    }

    /// <summary>
    /// The forms filled by the model through structured output: a JSON schema built from the labels,
    /// the answer checked against it, one more try when it does not fit; what is still missing or
    /// wrong, or everything when the model cannot be reached, is null.
    /// </summary>
    public async ValueTask<JsonObject> AnalyzeAsync(string? state, IReadOnlyList<Analysis.AnalysisForm> forms,
        IReadOnlyList<Analysis.AnalysisLine> transcript, CancellationToken cancellationToken = default)
    {
        var schema = JsonSerializer.SerializeToElement<JsonNode>(Analysis.AnalysisValues.Schema(forms));
        var conversation = string.Join("\n", transcript.Select(l => $"{l.Speaker}: {l.Text}"));
        List<ChatMessage> messages =
        [
            new(ChatRole.System, "Fill in the forms about the finished conversation below. Use null for anything the conversation does not tell."),
            new(ChatRole.User, conversation.Length > 0 ? conversation : "(nothing was said)"),
        ];
        var options = new ChatOptions
        {
            ModelId = _models[0].ModelId,
            ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, "post_call_analysis", "The post-call analysis forms"),
        };
        JsonObject? best = null;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            JsonObject? answer;
            try
            {
                var response = await _models[0].Client.GetResponseAsync(messages, options, cancellationToken);
                answer = JsonNode.Parse(response.Text) as JsonObject;
            }
            catch (Exception e) when (e is JsonException or HttpRequestException or System.ClientModel.ClientResultException)
            {
                answer = null;
            }
            var filled = Analysis.AnalysisValues.Fill(forms, (form, label) => answer?[form.Name]?[label.Name], out var valid);
            best = filled;
            if (answer is not null && valid) break;
        }
        return best ?? Analysis.AnalysisValues.Fill(forms, (_, _) => null, out _);
    }

    /// <summary>A reply the caller cut short stays in the history as far as it was heard (nothing heard: gone).</summary>
    private static void KeepOnlyWhatWasHeard(LlmState s, string? heard)
    {
        if (heard is null) return;
        var last = s.Messages.FindLastIndex(m => m.Role == "assistant" && !string.IsNullOrEmpty(m.Text));
        if (last < 0) return;
        var message = s.Messages[last];
        var said = Collapse(message.Text!);
        var kept = Collapse(heard);
        // Only a true cut of this reply: the transcript may also hold lines the model never wrote (an apology).
        if (kept.Length >= said.Length || !said.StartsWith(kept, StringComparison.Ordinal)) return;
        if (kept.Length > 0) message.Text = kept;
        else if (message.Calls is { Count: > 0 }) message.Text = null;
        else s.Messages.RemoveAt(last);
    }

    private static string Collapse(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>What the model reads as the result: the JSON result, with the status when it is not "ok".</summary>
    private static string ToolResultText(DialogueInput.ToolFinished finished)
    {
        if (finished.Status == "ok") return finished.Result?.ToJsonString() ?? "null";
        return new JsonObject { ["status"] = finished.Status, ["result"] = finished.Result?.DeepClone() }.ToJsonString();
    }

    private sealed class NoStream : IDialogueStream
    {
        public static readonly NoStream Instance = new();
        public void Partial(string textSoFar) { }
        public void Sentence(int index, string sentence) { }
    }
}
