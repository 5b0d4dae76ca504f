using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Actors.Conversations;
using Orchestrator.Actors.Ports;
using Orchestrator.Messages.Webhooks;

namespace Orchestrator.Node.Webhooks;

/// <summary>
/// Server tools over HTTP (rest.md, Tools): the call is POSTed as a <see cref="ToolWebHookPayload"/>,
/// signed when the tool's webhook has a secret, and the JSON reply body is the result. Each attempt
/// is bounded by the tool's timeoutSeconds; 5xx, connection errors and time-outs are retried
/// retryCount times with a short doubling pause; when all fail the agent gets the fallBackResult
/// with status timeout (the last attempt timed out) or error. Not an outbox delivery: the agent is
/// waiting for the answer now.
/// </summary>
public sealed class ServerToolRunner(WebhookPoster poster, TimeProvider time, ILogger<ServerToolRunner> log) : IServerToolRunner
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(200);

    public async Task<ServerToolOutcome> RunAsync(ServerToolRequest request, CancellationToken cancellationToken = default)
    {
        var tool = request.Tool;
        var webhook = tool.Webhook ?? throw new ArgumentException($"Tool '{tool.Name}' has no webhook", nameof(request));
        var deliveryId = WebhookDeliveryIds.New();
        var body = WebhookPayloadJson.Serialize(new ToolWebHookPayload
        {
            Status = "InProgress",
            CallId = request.CallId ?? request.ConversationId,
            ConversationId = request.ConversationId,
            CampaignId = request.CampaignId,
            AgentId = request.AgentId,
            Endpoint = request.Endpoint,
            CallAdditionalData = request.CallAdditionalData,
            AgentAdditionalData = request.AgentAdditionalData,
            DeliveryId = deliveryId,
            Timestamp = time.GetUtcNow(),
            ToolCallId = request.ToolCallId,
            ToolName = tool.Name,
            Arguments = request.Args,
        });
        var timeout = TimeSpan.FromSeconds(tool.TimeoutSeconds > 0 ? tool.TimeoutSeconds : 10);
        var attempts = 1 + Math.Max(0, tool.RetryCount);
        WebhookResponse? last = null;
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            if (attempt > 1) await Task.Delay(FirstPause * Math.Pow(2, attempt - 2), time, cancellationToken);
            last = await poster.PostAsync(webhook.Url, webhook.Headers, webhook.Secret, body, deliveryId, timeout, readBody: true, cancellationToken);
            if (last.IsSuccess) return new ServerToolOutcome(ParseResult(last.Body), ToolStatuses.Ok);
            if (last.StatusCode is >= 400 and < 500) break; // the receiver refused the call: retrying will not help
        }
        log.LogWarning("Server tool {Tool} ({ToolCallId}) of {ConversationId} failed after {Attempts} attempt(s): {Error}",
            tool.Name, request.ToolCallId, request.ConversationId, attempts, last?.Error);
        var timedOut = last is { StatusCode: null } && last.Duration >= timeout;
        var reason = timedOut ? "timeout" : "the tool's webhook failed";
        return new ServerToolOutcome(ConversationDecisions.Fallback(tool, reason), timedOut ? ToolStatuses.Timeout : ToolStatuses.Error);
    }

    /// <summary>The reply as JSON; a body that is not JSON is given to the agent as text.</summary>
    private static JsonNode? ParseResult(string? body)
    {
        if (string.IsNullOrWhiteSpace(body)) return null;
        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return JsonValue.Create(body);
        }
    }
}
