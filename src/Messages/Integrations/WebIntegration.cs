namespace Orchestrator.Messages.Integrations;

/// <summary>A web integration (rest.md): one agent, allowed origins, enabled features, client-run tools.</summary>
public sealed record WebIntegration
{
    public string Id { get; init; } = "";
    public string Name { get; init; } = "";
    public string AgentId { get; init; } = "";
    public bool Enabled { get; init; } = true;
    public List<string> Origins { get; init; } = [];
    public List<IntegrationFeature> Features { get; init; } = [];
    /// <summary>Names of the agent's tools that the browser executes.</summary>
    public List<string> Tools { get; init; } = [];
    public List<IntegrationTokenInfo> Tokens { get; init; } = [];
    /// <summary>Conversations its tokens may have open at once, cluster-wide (rest.md).</summary>
    public int MaxConcurrentConversations { get; init; } = DefaultMaxConcurrentConversations;
    /// <summary>Conversations its tokens may start in any minute, cluster-wide.</summary>
    public int MaxConversationsPerMinute { get; init; } = DefaultMaxConversationsPerMinute;
    public DateTimeOffset CreatedTime { get; init; }
    public DateTimeOffset LastUpdateTime { get; init; }
    /// <summary>Set on API answers only (never stored): what about this integration an operator should know.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public List<string>? Warnings { get; init; }

    public const int DefaultMaxConcurrentConversations = 100;
    public const int DefaultMaxConversationsPerMinute = 60;

    /// <summary>No origins, or "*": any website can open conversations with its tokens.</summary>
    public bool AcceptsAnyOrigin => Origins.Count == 0 || Origins.Contains("*");

    public bool HasFeature(string name) =>
        Features.Any(f => f.Enabled && string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));
}

public sealed record IntegrationFeature(string Name, bool Enabled);

/// <summary>A token as listed: never the token itself.</summary>
public sealed record IntegrationTokenInfo(
    string TokenId, string Name, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt);

/// <summary>Returned once, when a token is created: the only time the plain token is shown.</summary>
public sealed record IssuedToken(
    string TokenId, string Token, string Name, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt);

public static class IntegrationFeatures
{
    public const string AllowWebChat = "AllowWebChat";
    public const string AllowWebCall = "AllowWebCall";
    public const string AllowPhoneCall = "AllowPhoneCall";
    public const string SendCallResult = "SendCallResult";
    public const string SendToolCallLogs = "SendToolCallLogs";
}
