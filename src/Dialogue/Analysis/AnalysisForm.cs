using System.Text.Json.Nodes;

namespace Orchestrator.Dialogue.Analysis;

/// <summary>A post-call analysis form (features.postCallAnalysis): its labels are filled after the end.</summary>
public sealed record AnalysisForm(string Name, IReadOnlyList<AnalysisLabel> Labels);

/// <summary>Type is string (default), number, integer, boolean or enum (one of Choices).</summary>
public sealed record AnalysisLabel(string Name, string? Description, string? Type, IReadOnlyList<string>? Choices);

/// <summary>One line of the finished conversation, for engines that read the transcript.</summary>
public sealed record AnalysisLine(string Speaker, string Text);

/// <summary>
/// An engine that can fill the post-call forms of a conversation it ran, from its final state and
/// the transcript. The answer is <c>{"form": {"label": value}}</c> with null for what cannot be
/// determined; it never throws for what it cannot read.
/// </summary>
public interface IDialogueAnalyzer
{
    ValueTask<JsonObject> AnalyzeAsync(string? state, IReadOnlyList<AnalysisForm> forms, IReadOnlyList<AnalysisLine> transcript,
        CancellationToken cancellationToken = default);
}
