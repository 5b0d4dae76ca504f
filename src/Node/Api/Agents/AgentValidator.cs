using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Orchestrator.Actors.Conversations;
using Orchestrator.Dialogue;
using Orchestrator.Dialogue.Scripted;
using Orchestrator.Messages.Agents;
using Orchestrator.Node.Api.Infrastructure;
using Orchestrator.Speech.Vendors;

namespace Orchestrator.Node.Api.Agents;

/// <summary>
/// Checks an agent sent to POST/PUT /agents. Errors are keyed by camelCase path
/// (<c>config.tools[0].name</c>) for problem details' <c>errors</c>.
/// The speech vendors are checked against the node's registry, so an agent naming <c>openai</c>
/// without an endpoint is refused here when this node has no default one either.
/// </summary>
public sealed partial class AgentValidator(SpeechEngineRegistry speech)
{
    public const int MaxNameLength = 200;
    public const double MaxToolTimeoutSeconds = 600;
    public const int MaxRetryCount = 10;
    public static readonly string[] LlmVendors = ["scripted", "openai"];

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex ToolNamePattern();

    /// <summary>Fills what JSON may have left null (<c>"config": null</c>) with defaults and lower-cases the vendor.</summary>
    public static Agent Normalize(Agent agent)
    {
        var config = agent.Config ?? new AgentConfig();
        var features = config.Features ?? new AgentFeatures();
        features = features with
        {
            TalkFirst = features.TalkFirst ?? new(),
            MaxDuration = features.MaxDuration ?? new(),
            SilenceManagement = features.SilenceManagement ?? new(),
            PostCallAnalysis = features.PostCallAnalysis ?? [],
        };
        var llm = config.LlmConfig ?? new LlmConfig();
        llm = llm with { Vendor = llm.Vendor?.Trim().ToLowerInvariant()! };
        config = config with { LlmConfig = llm, Tools = config.Tools ?? [], Features = features };
        return agent with { AdditionalData = agent.AdditionalData ?? new JsonObject(), Config = config };
    }

    /// <summary>Validates a normalized agent; an empty dictionary means it is valid.</summary>
    public Dictionary<string, string[]> ValidateAgent(Agent agent)
    {
        var errors = new ValidationErrors();

        if (string.IsNullOrWhiteSpace(agent.Name))
            errors.Add("name", "name is required.");
        else if (agent.Name.Length > MaxNameLength)
            errors.Add("name", $"name must be at most {MaxNameLength} characters.");

        var config = agent.Config;
        if (string.IsNullOrEmpty(config.LlmConfig.Vendor) || !LlmVendors.Contains(config.LlmConfig.Vendor))
            errors.Add("config.llmConfig.vendor", $"vendor must be one of: {string.Join(", ", LlmVendors)}.");

        ValidateTools(config.Tools, errors);
        Calls.AgentDialerFields.Validate(agent, errors);

        if (config.ResultWebhook is { } webhook)
            ValidateWebhook("config.resultWebhook", webhook.Url, webhook.Headers, errors);
        if (config.StartWebhook is { } startWebhook)
            ValidateWebhook("config.startWebhook", startWebhook.Url, startWebhook.Headers, errors);

        if (config.Features.MaxDuration.MaxDurationSeconds <= 0)
            errors.Add("config.features.maxDuration.maxDurationSeconds", "maxDurationSeconds must be greater than 0.");
        if (config.Features.SilenceManagement.ReminderSilenceThresholdSeconds <= 0)
            errors.Add("config.features.silenceManagement.reminderSilenceThresholdSeconds", "reminderSilenceThresholdSeconds must be greater than 0.");
        if (config.Features.SilenceManagement.MaxReminderAttempts < 0)
            errors.Add("config.features.silenceManagement.maxReminderAttempts", "maxReminderAttempts must be 0 or more.");

        ValidateAnalysis(config.Features.PostCallAnalysis, errors);
        ValidateSpeech("config.sttConfig", SpeechEngineKind.Recognizer, config.SttConfig, errors);
        ValidateSpeech("config.ttsConfig", SpeechEngineKind.Synthesizer, config.TtsConfig, errors);

        // The scripted engine's own parser checks the script, so an agent that is accepted here
        // cannot fail to open for a script error later.
        if (config.LlmConfig.Vendor == DialogueEngineFactory.ScriptedVendor)
        {
            var toolNames = config.Tools.Where(t => t is not null).Select(t => t.Name);
            foreach (var error in ScriptParser.Validate(config.Script, toolNames, rootPath: "config.script"))
                errors.Add(error.Path, error.Message);
        }
        else if (config.LlmConfig.Vendor == Orchestrator.Dialogue.Llm.LlmDialogueEngine.Vendor)
        {
            // Checked here so that an accepted LLM agent never fails to open for its config.
            if (string.IsNullOrWhiteSpace(config.LlmConfig.Model))
                errors.Add("config.llmConfig.model", "model is required for the openai vendor.");
            if (config.LlmConfig.Endpoint is { } endpoint
                && !(Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
                errors.Add("config.llmConfig.endpoint", "endpoint must be an http(s) URL such as http://127.0.0.1:11434/v1.");
        }

        return errors.ToDictionary();
    }

    private static readonly string[] SpeechStrings = ["vendor", "model", "endpoint", "apiKey", "voiceId"];

    private void ValidateSpeech(string path, SpeechEngineKind kind, JsonObject? config, ValidationErrors errors)
    {
        if (config is null) return;
        // The voice session reads these as strings; another JSON type would silently mean "the default".
        var wrongType = SpeechStrings.Where(k => config[k] is { } v && !(v is JsonValue value && value.TryGetValue<string>(out _))).ToList();
        foreach (var key in wrongType)
            errors.Add($"{path}.{key}", $"{key} must be a string.");
        if (wrongType.Count > 0) return;
        foreach (var (field, message) in speech.Check(kind, AgentSpeechRequests.From(config)))
            errors.Add($"{path}.{field}", message);
    }

    private static readonly string[] LabelTypes = ["string", "number", "integer", "boolean", "enum"];

    private static void ValidateAnalysis(List<PostCallAnalysisItem>? forms, ValidationErrors errors)
    {
        for (var i = 0; i < (forms?.Count ?? 0); i++)
        {
            var path = $"config.features.postCallAnalysis[{i}]";
            if (forms![i] is not { } form)
            {
                errors.Add(path, "A form must be an object.");
                continue;
            }
            if (string.IsNullOrWhiteSpace(form.Name)) errors.Add($"{path}.name", "name is required.");
            for (var j = 0; j < (form.Labels?.Count ?? 0); j++)
            {
                var label = form.Labels![j];
                var labelPath = $"{path}.labels[{j}]";
                if (label is null || string.IsNullOrWhiteSpace(label.Name))
                    errors.Add($"{labelPath}.name", "name is required.");
                else if (label.Type is { } type && !LabelTypes.Contains(type))
                    errors.Add($"{labelPath}.type", $"type must be one of: {string.Join(", ", LabelTypes)}.");
                else if (label.Type == "enum" && label.Choices is not { Count: > 0 })
                    errors.Add($"{labelPath}.choices", "An enum label needs choices.");
            }
        }
    }

    private static void ValidateTools(List<ToolConfig> tools, ValidationErrors errors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < tools.Count; i++)
        {
            var path = $"config.tools[{i}]";
            var tool = tools[i];
            if (tool is null)
            {
                errors.Add(path, "A tool must be an object.");
                continue;
            }
            if (string.IsNullOrEmpty(tool.Name))
                errors.Add($"{path}.name", "name is required.");
            else if (!ToolNamePattern().IsMatch(tool.Name))
                errors.Add($"{path}.name", "name must be 1 to 64 letters, digits, '_' or '-'.");
            else if (!seen.Add(tool.Name))
                errors.Add($"{path}.name", $"Another tool is already named '{tool.Name}'.");

            if (!(tool.TimeoutSeconds > 0 && tool.TimeoutSeconds <= MaxToolTimeoutSeconds))
                errors.Add($"{path}.timeoutSeconds", $"timeoutSeconds must be greater than 0 and at most {MaxToolTimeoutSeconds}.");
            if (tool.RetryCount is < 0 or > MaxRetryCount)
                errors.Add($"{path}.retryCount", $"retryCount must be from 0 to {MaxRetryCount}.");
            if (tool.Webhook is { } webhook)
                ValidateWebhook($"{path}.webhook", webhook.Url, webhook.Headers, errors);
        }
    }

    internal static void ValidateWebhook(string path, string? url, Dictionary<string, string>? headers, ValidationErrors errors)
    {
        if (!IsHttpUrl(url))
            errors.Add($"{path}.url", "url must be an absolute http or https URL.");
        foreach (var (name, value) in headers ?? [])
        {
            // HttpClient refuses such headers at send time; refusing them here names the field instead.
            if (string.IsNullOrWhiteSpace(name) || name.Any(c => c <= ' ' || c >= 127 || c == ':'))
                errors.Add($"{path}.headers", $"'{name}' is not a valid header name.");
            else if (value is null || value.Any(c => c is '\r' or '\n'))
                errors.Add($"{path}.headers.{name}", "A header value must be a string without line breaks.");
        }
    }

    internal static bool IsHttpUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

}
