namespace Orchestrator.Messages.Agents;

public sealed record AgentFeatures
{
    public TalkFirstFeature TalkFirst { get; init; } = new();
    public MaxDurationFeature MaxDuration { get; init; } = new();
    public SilenceManagementFeature SilenceManagement { get; init; } = new();
    public List<PostCallAnalysisItem> PostCallAnalysis { get; init; } = [];
}

public sealed record TalkFirstFeature
{
    public bool IsEnabled { get; init; } = true;
    public string? Greeting { get; init; }
    public bool Interruptible { get; init; } = true;
}

public sealed record MaxDurationFeature
{
    public bool IsEnabled { get; init; }
    public int MaxDurationSeconds { get; init; } = 3600;
}

public sealed record SilenceManagementFeature
{
    public bool IsEnabled { get; init; }
    public double ReminderSilenceThresholdSeconds { get; init; } = 8;
    public int MaxReminderAttempts { get; init; } = 2;
    public bool EndWhenReminderLimitExceeded { get; init; } = true;
}

public sealed record PostCallAnalysisItem
{
    public string Name { get; init; } = "";
    public bool IsEnabled { get; init; } = true;
    public List<PostCallAnalysisLabel> Labels { get; init; } = [];
}

/// <summary>Type: string (default), number, integer, boolean or enum (one of Choices).</summary>
public sealed record PostCallAnalysisLabel(string Name, string? Description, string? Type = null, List<string>? Choices = null);
