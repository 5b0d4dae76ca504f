using System.Text.Json.Nodes;
using Orchestrator.Actors.Ports;
using Orchestrator.Dialogue;
using Orchestrator.Dialogue.Analysis;
using Orchestrator.Messages.Agents;
using Orchestrator.Messages.Results;
using static Orchestrator.Messages.Conversations.ConversationEvents;

namespace Orchestrator.Actors.Conversations;

/// <summary>Pure rules that turn what happened into the events a conversation records.</summary>
public static class ConversationDecisions
{
    /// <summary>Finish reasons that mean the conversation never properly happened or broke.</summary>
    private static readonly HashSet<string> FailedReasons =
    [
        FinishReasons.Error, FinishReasons.Busy, FinishReasons.NoAnswer, FinishReasons.Rejected,
    ];

    public static Ended End(string finishReason, DateTimeOffset now, string? errorMessage = null) =>
        new(finishReason, FailedReasons.Contains(finishReason) ? ResultStatuses.Failed : ResultStatuses.Completed,
            errorMessage, now);

    /// <summary>
    /// Whatever ends a call records the media's latest figures just before its <see cref="Ended"/>, so
    /// the result keeps them; a conversation that ends on its own (hang-up, time-out, tool) need not know.
    /// </summary>
    public static Decision KeepMediaStatistics(ConversationState state, Decision decision)
    {
        if (decision.Runtime.LatestMedia is not { } media || state.MediaStatistics is not null) return decision;
        int end = -1;
        for (int i = 0; i < decision.Events.Length && end < 0; i++)
            if (decision.Events[i] is Ended) end = i;
        if (end < 0) return decision;
        return decision with { Events = decision.Events.Insert(end, new MediaStatisticsRecorded(media)) };
    }

    /// <summary>
    /// The events of one dialogue step: the state change first (so a crash after it never
    /// replays the input), then what the agent said and asked for, in order.
    /// </summary>
    public static IReadOnlyList<object> EventsForStep(ConversationState state, DialogueStep step, DateTimeOffset now)
    {
        var events = new List<object> { new DialogueAdvanced(step.State) };
        foreach (var action in step.Actions)
        {
            switch (action)
            {
                case DialogueAction.Say say when !string.IsNullOrWhiteSpace(say.Text):
                    events.Add(new AssistantSaid(say.Text, now));
                    break;
                case DialogueAction.CallTool call:
                    events.AddRange(EventsForToolCall(state, call, now));
                    break;
                case DialogueAction.End:
                    events.Add(End(FinishReasons.AgentEnded, now));
                    return events;
            }
        }
        return events;
    }

    /// <summary>A reply the caller talked over while it streamed: its line is recorded, then cut to what was heard.</summary>
    public static IEnumerable<object> KeepHeard(IReadOnlyList<object> events, int index, string heard, DateTimeOffset now)
    {
        var cut = false;
        foreach (var evt in events)
        {
            yield return evt;
            if (evt is not AssistantSaid || cut) continue;
            cut = true;
            yield return new AssistantInterrupted(index, heard, now);
        }
    }

    /// <summary>
    /// A tool with a webhook runs on the server (its result comes back as ServerToolDone); one without
    /// runs on the client when the client is allowed to run it; otherwise (unknown tool, tool not
    /// listed by the integration) the agent gets its fallback result at once.
    /// </summary>
    public static IEnumerable<object> EventsForToolCall(ConversationState state, DialogueAction.CallTool call, DateTimeOffset now)
    {
        var id = state.FindToolCall(call.CallId) is null ? call.CallId : $"{call.CallId}-{state.ToolCalls.Count + 1}";
        var tool = ToolConfigFor(state, call.ToolName);
        var onClient = tool is not null && tool.Webhook is null && state.ClientTools.Contains(tool.Name);
        var timeout = TimeSpan.FromSeconds(tool?.TimeoutSeconds > 0 ? tool.TimeoutSeconds : 10);
        yield return new ToolCallRequested(id, call.ToolName, call.Args, onClient, now + timeout, now);
        if (!onClient && tool?.Webhook is null)
            yield return new ToolCallCompleted(id, Fallback(tool, ToolUnavailableReason(tool)), ToolStatuses.Error, now);
    }

    private static string ToolUnavailableReason(ToolConfig? tool) => tool is null ? "unknown tool" : "tool is not enabled for this client";

    /// <summary>Why a server tool got its fallback without being called.</summary>
    public const string NoServerTools = "server tools are not available on this node";

    /// <summary>The webhook call of a server tool, with the conversation's details for its payload.</summary>
    public static ServerToolRequest ServerToolRequestFor(ConversationState state, ToolCallState call)
    {
        var agent = state.Agent!;
        return new ServerToolRequest(ToolConfigFor(state, call.ToolName)!, call.Id, (JsonObject)call.Args.DeepClone(),
            state.ConversationId, agent.AgentId, state.Call?.CallId, state.Call?.CampaignId, state.Endpoint,
            (JsonObject)state.AdditionalData.DeepClone(), (JsonObject)agent.AdditionalData.DeepClone());
    }

    public static bool RunsOnServer(ConversationState state, ToolCallState call) =>
        !call.OnClient && ToolConfigFor(state, call.ToolName)?.Webhook is not null;

    /// <summary>The tool's configured fallback, or an object saying why there is no real result.</summary>
    public static JsonNode? Fallback(ToolConfig? tool, string reason) =>
        tool?.FallBackResult?.DeepClone() ?? new JsonObject { ["error"] = reason };

    public static ToolConfig? ToolConfigFor(ConversationState state, string toolName) =>
        state.Agent?.Config.Tools.FirstOrDefault(t => t.Name == toolName);

    /// <summary>The oldest recorded input, as the engine reads it; a user turn says what was heard of the last reply.</summary>
    public static DialogueInput NextDialogueInput(ConversationState state)
    {
        var input = ToDialogueInput(state.PendingInputs[0]);
        if (input is not DialogueInput.UserSaid said) return input;
        var lastReply = state.Transcript.FindLast(t => t.Speaker == Speakers.Assistant);
        return said with { LastReplyHeard = lastReply?.Text };
    }

    public static DialogueInput ToDialogueInput(PendingInput input) => input.Kind switch
    {
        InputKinds.Start => new DialogueInput.Started(),
        InputKinds.User => new DialogueInput.UserSaid(input.Text ?? ""),
        InputKinds.Tool => new DialogueInput.ToolFinished(input.CallId!, input.ToolName!, input.Result?.DeepClone(), input.Status!),
        InputKinds.Silence => new DialogueInput.Silence(input.Attempt),
        _ => throw new ArgumentException($"Unknown input kind '{input.Kind}'"),
    };

    /// <summary>The agent's enabled post-call analysis forms.</summary>
    public static IReadOnlyList<AnalysisForm> AnalysisForms(ConversationState state) =>
        [.. (state.Agent?.Config.Features.PostCallAnalysis ?? []).Where(f => f is { IsEnabled: true } && !string.IsNullOrEmpty(f.Name))
            .Select(f => new AnalysisForm(f.Name, [.. (f.Labels ?? []).Where(l => l is not null)
                .Select(l => new AnalysisLabel(l.Name, l.Description, l.Type, l.Choices))]))];

    public static bool NeedsAnalysis(ConversationState state) => state.PostCallAnalysis is null && AnalysisForms(state).Count > 0;

    /// <summary>Every label null: what an analysis that could not run leaves.</summary>
    public static System.Text.Json.Nodes.JsonObject EmptyAnalysis(ConversationState state) =>
        AnalysisValues.Fill(AnalysisForms(state), (_, _) => null, out _);

    public static IReadOnlyList<AnalysisLine> AnalysisTranscript(ConversationState state) =>
        [.. state.Transcript.Where(t => t.Text.Length > 0).Select(t => new AnalysisLine(t.Speaker, t.Text))];

    /// <summary>What the engine is told about its agent: additionalData of the call over the agent's.</summary>
    public static DialogueSetup SetupFor(ConversationState state)
    {
        var agent = state.Agent ?? throw new InvalidOperationException("Conversation has not started.");
        var data = (JsonObject)agent.AdditionalData.DeepClone();
        foreach (var (key, value) in state.AdditionalData) data[key] = value?.DeepClone();
        var talkFirst = agent.Config.Features.TalkFirst;
        var llm = agent.Config.LlmConfig;
        return new DialogueSetup(
            agent.Config.LlmConfig.Vendor,
            agent.Config.Script,
            agent.Config.LlmConfig.Prompt,
            talkFirst.IsEnabled ? talkFirst.Greeting : null,
            data,
            [.. agent.Config.Tools.Select(t => new DialogueTool(t.Name, t.Description, t.Schema))])
        {
            Model = new DialogueModel(llm.Endpoint, llm.Model, llm.ApiKey, llm.Options)
            {
                Fallbacks = [.. (llm.Fallbacks ?? []).Select(f => new DialogueModel(f.Endpoint, f.Model, f.ApiKey, null))],
            },
        };
    }
}
