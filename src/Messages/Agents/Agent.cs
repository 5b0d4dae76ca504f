using System.Text.Json.Nodes;

namespace Orchestrator.Messages.Agents;

/// <summary>An agent as the REST API shows it (rest.md, Agents).</summary>
public sealed record Agent
{
    public string AgentId { get; init; } = "";
    public string Name { get; init; } = "";
    public bool IsEnabled { get; init; } = true;
    public string? Description { get; init; }
    public JsonObject AdditionalData { get; init; } = new();
    public AgentConfig Config { get; init; } = new();
    public JsonObject? Schedule { get; init; }
    public DateTimeOffset CreatedTime { get; init; }
    public DateTimeOffset LastUpdateTime { get; init; }
}
