using System.Text.Json.Nodes;
using Orchestrator.Messages.Agents;

namespace Orchestrator.Actors.Ports;

/// <summary>
/// Runs a server tool (one with a webhook): POSTs its call and reads the reply as the result, within
/// the tool's timeout and retries. Never throws for the receiver's failures: they come back as the
/// tool's fallback with status "timeout" or "error". The node implements it over HTTP.
/// </summary>
public interface IServerToolRunner
{
    Task<ServerToolOutcome> RunAsync(ServerToolRequest request, CancellationToken cancellationToken = default);
}

/// <summary>One call of a server tool, with the conversation it is made in (the webhook payload's common fields).</summary>
public sealed record ServerToolRequest(
    ToolConfig Tool, string ToolCallId, JsonObject Args,
    string ConversationId, string AgentId, string? CallId, string? CampaignId, string? Endpoint,
    JsonObject CallAdditionalData, JsonObject AgentAdditionalData);

/// <summary>The result the agent gets, and its status: ok, timeout or error.</summary>
public sealed record ServerToolOutcome(JsonNode? Result, string Status);
