using System.Collections.Concurrent;
using Orchestrator.Dialogue.Llm;
using Orchestrator.Dialogue.Scripted;

namespace Orchestrator.Dialogue;

/// <summary>
/// Picks the engine for <see cref="DialogueSetup.Vendor"/>. "scripted" (also the default for a null or empty
/// vendor) is always available; "openai" talks to any OpenAI-compatible endpoint named in the agent's
/// llmConfig (it needs the network only when such an agent runs). The constructor can add or replace vendors.
/// Thread-safe.
/// </summary>
public sealed class DialogueEngineFactory : IDialogueEngineFactory
{
    public const string ScriptedVendor = "scripted";
    private const int MaxCachedScripts = 256;

    private readonly Dictionary<string, Func<DialogueSetup, IDialogueEngine>> _vendors;
    private readonly TimeProvider _time;

    // Conversations of one agent share its script: parse (and compile its patterns) once.
    private readonly ConcurrentDictionary<string, ScriptDefinition> _scripts = new(StringComparer.Ordinal);

    public DialogueEngineFactory(
        IReadOnlyDictionary<string, Func<DialogueSetup, IDialogueEngine>>? vendors = null,
        TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _vendors = new(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, create) in vendors ?? new Dictionary<string, Func<DialogueSetup, IDialogueEngine>>())
            _vendors[name] = create;
        _vendors.TryAdd(ScriptedVendor, CreateScripted);
        var clients = new OpenAiChatClients();
        _vendors.TryAdd(LlmDialogueEngine.Vendor, setup => new LlmDialogueEngine(
            [(clients.For(setup.Model), setup.Model?.Model), .. (setup.Model?.Fallbacks ?? []).Select(f => (clients.For(f), f.Model))],
            setup));
    }

    public IReadOnlyCollection<string> Vendors => _vendors.Keys;

    public IDialogueEngine Create(DialogueSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        var vendor = string.IsNullOrWhiteSpace(setup.Vendor) ? ScriptedVendor : setup.Vendor.Trim();
        if (!_vendors.TryGetValue(vendor, out var create))
            throw new DialogueConfigException($"Unknown dialogue vendor '{vendor}'");
        return create(setup);
    }

    private IDialogueEngine CreateScripted(DialogueSetup setup)
    {
        if (setup.Script is null)
            throw new DialogueConfigException("The scripted dialogue needs config.script.");
        var tools = (setup.Tools ?? []).Select(t => t.Name).Order(StringComparer.Ordinal).ToArray();
        var key = string.Join("\n", tools) + "\n\n" + setup.Script.ToJsonString();
        if (!_scripts.TryGetValue(key, out var script))
        {
            var parsed = ScriptParser.Parse(setup.Script, tools);
            if (!parsed.IsValid)
                throw new DialogueConfigException("Invalid config.script: " + string.Join("; ", parsed.Errors));
            script = parsed.Script!;
            if (_scripts.Count >= MaxCachedScripts) _scripts.Clear();
            _scripts[key] = script;
        }
        return new ScriptedDialogueEngine(script, setup, _time);
    }
}
