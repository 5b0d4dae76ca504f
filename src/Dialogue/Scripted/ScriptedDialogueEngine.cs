using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Orchestrator.Dialogue.Scripted;

/// <summary>
/// The embedded dialogue engine (<c>llmConfig.vendor: scripted</c>): runs a declarative
/// <see cref="ScriptDefinition"/>. Immutable and thread-safe; each step is a pure function of
/// (state, input). The clock is read only when a conversation starts (state null) to fix "today".
/// </summary>
public sealed class ScriptedDialogueEngine : IDialogueEngine, Analysis.IDialogueAnalyzer
{
    // Extraction order when slots are read from free text: specific shapes first, so that the digits
    // of "2025-03-01" or "7:30pm" are taken by the date or time and not read again as a number.
    private static readonly SlotType[] ExtractionOrder =
        [SlotType.Email, SlotType.Date, SlotType.Time, SlotType.Phone, SlotType.Choice, SlotType.Number, SlotType.Integer];

    private readonly ScriptDefinition _script;
    private readonly Template? _greeting;
    private readonly JsonElement _additionalData;
    private readonly TimeProvider _time;

    public ScriptedDialogueEngine(ScriptDefinition script, DialogueSetup setup, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(script);
        ArgumentNullException.ThrowIfNull(setup);
        _script = script;
        _greeting = !string.IsNullOrWhiteSpace(setup.Greeting) ? Template.ParseLenient(setup.Greeting) : script.Greeting;
        // A JsonElement snapshot: safe to read from many conversations at once, unlike a JsonObject.
        _additionalData = JsonSerializer.SerializeToElement<JsonNode?>(setup.AdditionalData ?? new JsonObject());
        _time = time ?? TimeProvider.System;
    }

    public ScriptDefinition Script => _script;

    /// <summary>Parses <see cref="DialogueSetup.Script"/> and builds the engine; a bad script is a <see cref="DialogueConfigException"/>.</summary>
    public static ScriptedDialogueEngine Create(DialogueSetup setup, TimeProvider? time = null)
    {
        if (setup.Script is null)
            throw new DialogueConfigException("The scripted dialogue needs config.script.");
        var parsed = ScriptParser.Parse(setup.Script, setup.Tools?.Select(t => t.Name));
        if (!parsed.IsValid)
            throw new DialogueConfigException("Invalid config.script: " + string.Join("; ", parsed.Errors));
        return new ScriptedDialogueEngine(parsed.Script!, setup, time);
    }

    public ValueTask<DialogueStep> AdvanceAsync(string? state, DialogueInput input, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Advance(state, input));

    /// <summary>The synchronous step behind <see cref="AdvanceAsync"/>.</summary>
    public DialogueStep Advance(string? state, DialogueInput input)
    {
        var s = state is null ? NewState() : ScriptedState.Deserialize(state, _script);
        if (s.Ended) return new DialogueStep([], state ?? s.Serialize());

        var turn = new Turn(this, s);
        switch (input)
        {
            case DialogueInput.Started when state is null:
                turn.Say(_greeting);
                break;
            case DialogueInput.UserSaid said:
                turn.OnUserSaid(said.Text ?? "");
                break;
            case DialogueInput.ToolFinished finished:
                if (!turn.OnToolFinished(finished) && state is not null) return new DialogueStep([], state);
                break;
            case DialogueInput.Silence silence:
                turn.OnSilence(silence.Attempt);
                break;
            default:
                // A repeated Started, or an input kind this engine does not know: nothing to do.
                if (state is not null) return new DialogueStep([], state);
                break;
        }
        return new DialogueStep(turn.Actions.ToImmutableArray(), s.Serialize());
    }

    /// <summary>Labels named like a slot take its value; others a field of the last tool result; the rest null.</summary>
    public ValueTask<JsonObject> AnalyzeAsync(string? state, IReadOnlyList<Analysis.AnalysisForm> forms,
        IReadOnlyList<Analysis.AnalysisLine> transcript, CancellationToken cancellationToken = default)
    {
        ScriptedState? s = null;
        try
        {
            if (state is not null) s = ScriptedState.Deserialize(state, _script);
        }
        catch (DialogueStateException)
        {
            // Nothing can be read from it: every label stays null.
        }
        var filled = Analysis.AnalysisValues.Fill(forms, (_, label) =>
        {
            if (s is null) return null;
            if (s.Slots.TryGetValue(label.Name, out var slot)) return JsonNode.Parse(slot.GetRawText());
            return s.Tool?.Result is { ValueKind: JsonValueKind.Object } result && result.TryGetProperty(label.Name, out var field)
                ? JsonNode.Parse(field.GetRawText())
                : null;
        }, out _);
        return ValueTask.FromResult(filled);
    }

    private ScriptedState NewState()
    {
        var now = _time.GetUtcNow();
        if (_script.TimeZone is { } zone) now = TimeZoneInfo.ConvertTime(now, zone);
        return new ScriptedState { Today = now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) };
    }

    /// <summary>One step's working set: the state being changed and the actions said so far.</summary>
    private sealed class Turn(ScriptedDialogueEngine engine, ScriptedState s)
    {
        private readonly ScriptDefinition _script = engine._script;
        private string? _input;

        public List<DialogueAction> Actions { get; } = [];

        // ---- user input ------------------------------------------------------------------

        public void OnUserSaid(string raw)
        {
            var text = TextMatch.Normalize(raw);
            _input = text;
            if (s.Call is not null)
            {
                // A tool call is running: its result decides what comes next, so the utterance is not queued.
                Say(_script.Wait, ScriptDefaults.Wait);
                return;
            }

            var active = s.Intent is null ? null : _script.FindIntent(s.Intent);
            var pending = s.Pending is null ? null : active?.FindSlot(s.Pending);
            if (active is null)
            {
                var matched = MatchIntent(text, exclude: null);
                if (matched is null) Misunderstood(reprompt: null, invalid: null);
                else StartIntent(matched, text);
                return;
            }

            // The engine asked for a slot: read the answer for it first, unless it is free text, which
            // would swallow "goodbye" or an FAQ question.
            var answer = pending is null || pending.Type == SlotType.Text
                ? null
                : SlotExtractor.Extract(pending, text, prompted: true, s.TodayDate);
            if (answer is not null)
            {
                ContinueIntent(active, text, pending, answer);
                return;
            }

            var other = MatchIntent(text, exclude: active);
            if (other is not null)
            {
                Interrupt(active, pending, other, text);
                return;
            }

            if (pending is { Type: SlotType.Text })
            {
                var value = SlotExtractor.Extract(pending, text, prompted: true, s.TodayDate);
                if (value is not null)
                {
                    ContinueIntent(active, text, pending, value);
                    return;
                }
            }

            // Nothing for the asked slot: maybe the user answered another of the intent's questions.
            var before = s.Slots.Count;
            var invalid = FillFromText(active, text);
            if (s.Slots.Count > before || invalid is not null)
            {
                s.Fallbacks = 0;
                Proceed(active, invalid);
                return;
            }
            Misunderstood(reprompt: pending, invalid: pending?.Invalid);
        }

        private void StartIntent(IntentDefinition intent, string text)
        {
            s.Intent = intent.Name;
            s.Pending = null;
            s.Fallbacks = 0;
            foreach (var slot in intent.Slots) s.Slots.Remove(slot.Name);
            var invalid = FillFromText(intent, text);
            Proceed(intent, invalid);
        }

        private void ContinueIntent(IntentDefinition intent, string text, SlotDefinition? pending, SlotMatch? answer)
        {
            s.Fallbacks = 0;
            SlotDefinition? invalid = null;
            if (pending is not null && answer is { } a)
            {
                if (a.IsValid) s.Slots[pending.Name] = a.Value;
                else invalid = pending;
                text = pending.Type == SlotType.Text ? "" : TextMatch.Mask(text, a.Start, a.Length);
            }
            var other = FillFromText(intent, text);
            Proceed(intent, invalid ?? other);
        }

        /// <summary>Another intent matched while one was being filled.</summary>
        private void Interrupt(IntentDefinition active, SlotDefinition? pending, IntentDefinition other, string text)
        {
            if (!other.IsImmediate)
            {
                StartIntent(other, text);
                return;
            }
            // A quick answer (an FAQ, a goodbye): say it, then go back to the question we were asking.
            s.Fallbacks = 0;
            Say(other.Reply);
            if (other.End)
            {
                EndConversation();
                return;
            }
            if (pending is not null) Say(pending.Prompt);
            else Proceed(active, null);
        }

        /// <summary>Fills the intent's empty slots from an utterance; returns the first slot whose value was invalid.</summary>
        private SlotDefinition? FillFromText(IntentDefinition intent, string text)
        {
            SlotDefinition? invalid = null;
            var filledNow = new HashSet<string>(StringComparer.Ordinal);

            foreach (var pattern in intent.Patterns)
            {
                Match match;
                try
                {
                    match = pattern.Match(text);
                }
                catch (RegexMatchTimeoutException)
                {
                    continue;
                }
                if (!match.Success) continue;
                foreach (var slot in intent.Slots)
                {
                    var group = match.Groups[slot.Name];
                    if (!group.Success || group.Length == 0 || s.Slots.ContainsKey(slot.Name)) continue;
                    var value = SlotExtractor.FromCapture(slot, group.Value, s.TodayDate);
                    if (value.IsValid)
                    {
                        s.Slots[slot.Name] = value.Value;
                        filledNow.Add(slot.Name);
                    }
                    else
                    {
                        invalid ??= slot;
                    }
                    text = TextMatch.Mask(text, group.Index, group.Length);
                }
                break;
            }

            foreach (var type in ExtractionOrder)
            {
                foreach (var slot in intent.Slots)
                {
                    if (slot.Type != type || s.Slots.ContainsKey(slot.Name) || slot == invalid) continue;
                    var found = SlotExtractor.Extract(slot, text, prompted: false, s.TodayDate);
                    if (found is not { } f) continue;
                    if (f.IsValid) s.Slots[slot.Name] = f.Value;
                    else invalid ??= slot;
                    text = TextMatch.Mask(text, f.Start, f.Length);
                }
            }
            return invalid;
        }

        /// <summary>Asks for what is missing, or finishes the intent (reply, tool call, end).</summary>
        private void Proceed(IntentDefinition intent, SlotDefinition? invalid)
        {
            if (invalid is not null)
            {
                Say(invalid.Invalid, ScriptDefaults.Invalid);
                if (invalid.Prompt is not null)
                {
                    s.Pending = invalid.Name;
                    Say(invalid.Prompt);
                    return;
                }
            }

            foreach (var slot in intent.Slots)
            {
                if (!slot.Required || s.Slots.ContainsKey(slot.Name)) continue;
                s.Pending = slot.Name;
                Say(slot.Prompt);
                return;
            }

            s.Intent = null;
            s.Pending = null;
            Say(intent.Reply);
            if (intent.Tool is { } tool)
            {
                s.Calls++;
                var callId = $"call-{s.Calls.ToString(CultureInfo.InvariantCulture)}";
                s.Call = new ScriptedState.PendingCall { Id = callId, Tool = tool.Name, Intent = intent.Name };
                Actions.Add(new DialogueAction.CallTool(callId, tool.Name, RenderArgs(tool)));
                return;
            }
            if (intent.End) EndConversation();
        }

        private void Misunderstood(SlotDefinition? reprompt, Template? invalid)
        {
            s.Fallbacks++;
            if (_script.MaxFallbacks is { } max && s.Fallbacks > max)
            {
                Say(_script.FallbackEnd, ScriptDefaults.FallbackEnd);
                EndConversation();
                return;
            }
            if (invalid is not null) Say(invalid);
            else Say(Pick(_script.Fallback, s.Fallbacks), ScriptDefaults.Fallback);
            if (reprompt is not null) Say(reprompt.Prompt);
        }

        // ---- tools and silence -----------------------------------------------------------

        /// <summary>False when the result is not for the call we are waiting for (a late or duplicate result).</summary>
        public bool OnToolFinished(DialogueInput.ToolFinished finished)
        {
            if (s.Call is not { } call || !string.Equals(call.Id, finished.CallId, StringComparison.Ordinal)) return false;
            var intent = _script.FindIntent(call.Intent);
            var tool = intent?.Tool;
            var status = (finished.Status ?? "").Trim().ToLowerInvariant();
            s.Call = null;
            s.Tool = new ScriptedState.LastTool
            {
                Name = call.Tool,
                Status = status,
                Result = finished.Result is null ? null : JsonSerializer.SerializeToElement<JsonNode?>(finished.Result),
            };
            switch (status)
            {
                case "ok":
                    Say(tool?.OnResult);
                    break;
                case "timeout":
                    Say(tool?.OnTimeout ?? tool?.OnResult ?? _script.ToolError, ScriptDefaults.ToolError);
                    break;
                default:
                    Say(tool?.OnError ?? _script.ToolError, ScriptDefaults.ToolError);
                    break;
            }
            if (intent?.End == true) EndConversation();
            return true;
        }

        public void OnSilence(int attempt)
        {
            if (s.Call is not null)
            {
                Say(_script.Wait, ScriptDefaults.Wait);
                return;
            }
            Say(Pick(_script.Silence, attempt), ScriptDefaults.Silence);
            if (s.Intent is not null && s.Pending is not null)
                Say(_script.FindIntent(s.Intent)?.FindSlot(s.Pending)?.Prompt);
        }

        // ---- helpers ---------------------------------------------------------------------

        private IntentDefinition? MatchIntent(string text, IntentDefinition? exclude)
        {
            if (text.Length == 0) return null;
            foreach (var intent in _script.Intents)
            {
                if (ReferenceEquals(intent, exclude)) continue;
                foreach (var keyword in intent.Keywords)
                    if (TextMatch.FindWholeWord(text, keyword) >= 0) return intent;
                foreach (var pattern in intent.Patterns)
                {
                    try
                    {
                        if (pattern.IsMatch(text)) return intent;
                    }
                    catch (RegexMatchTimeoutException)
                    {
                        // A pathological pattern against this utterance: treat as no match.
                    }
                }
            }
            return null;
        }

        private JsonObject RenderArgs(ToolCallDefinition tool)
        {
            var args = new JsonObject();
            var context = Context();
            foreach (var (name, argument) in tool.Args)
            {
                args[name] = argument switch
                {
                    // A lone placeholder keeps its JSON type, so partySize goes out as a number.
                    ToolArgument.FromTemplate { Template.SoleVariable: { } path } t when context.Resolve(path) is { ValueKind: not JsonValueKind.Null } value
                        => JsonSerializer.SerializeToNode(value),
                    ToolArgument.FromTemplate t => JsonValue.Create(t.Template.Render(context)),
                    ToolArgument.Literal l => l.ToNode(),
                    _ => null,
                };
            }
            return args;
        }

        private static Template? Pick(ImmutableArray<Template> templates, int attempt) =>
            templates.IsDefaultOrEmpty ? null : templates[Math.Clamp(attempt - 1, 0, templates.Length - 1)];

        private TemplateContext Context() => new(
            engine._additionalData, s.Slots, s.Tool?.Name, s.Tool?.Status, s.Tool?.Result, _input);

        public void Say(Template? template, string? fallback = null)
        {
            var text = template?.Render(Context()) ?? fallback;
            if (!string.IsNullOrWhiteSpace(text)) Actions.Add(new DialogueAction.Say(text.Trim()));
        }

        private void EndConversation()
        {
            s.Ended = true;
            s.Intent = null;
            s.Pending = null;
            Actions.Add(new DialogueAction.End());
        }
    }
}
