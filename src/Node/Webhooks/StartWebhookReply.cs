using System.Text.Json;
using System.Text.Json.Nodes;
using Orchestrator.Messages.Agents;
using Orchestrator.Messages.Webhooks;

namespace Orchestrator.Node.Webhooks;

/// <summary>
/// Reads a start webhook's answer into a decision (rest.md, Webhooks: start webhook reply). Pure
/// and total: any reply, however odd, is a decision, never an exception.
/// </summary>
public static class StartWebhookReply
{
    public static StartWebhookDecision Decide(StartWebhookConfig webhook, JsonObject? callAdditionalData, WebhookResponse response)
    {
        var callData = callAdditionalData?.DeepClone().AsObject() ?? new JsonObject();
        if (!response.IsSuccess)
            return Failed(webhook, callData, response.Error ?? $"The start webhook answered {response.StatusCode}.");
        if (string.IsNullOrWhiteSpace(response.Body))
            return StartWebhookDecision.Dial(callData);

        try
        {
            return Interpret(webhook, callData, JsonNode.Parse(response.Body));
        }
        catch (JsonException)
        {
            // A bare "OK" and the like: the receiver took the call and asked for nothing.
            return StartWebhookDecision.Dial(callData, "The start webhook's reply is not JSON; it was ignored.");
        }
        catch (ArgumentException)
        {
            // JsonObject refuses a name twice in one object when it is read.
            return Failed(webhook, callData, "The start webhook's reply names a property twice.");
        }
    }

    private static StartWebhookDecision Interpret(StartWebhookConfig webhook, JsonObject callData, JsonNode? reply)
    {
        if (reply is not JsonObject answer)
            return StartWebhookDecision.Dial(callData, "The start webhook's reply is not a JSON object; it was ignored.");

        var accept = Property(answer, "accept");
        if (accept is not null && accept.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
            return Failed(webhook, callData, "The start webhook's reply has an accept that is not true or false.");

        var extra = Property(answer, "additionalData");
        if (extra is not null && extra is not JsonObject)
            return Failed(webhook, callData, "The start webhook's reply has an additionalData that is not an object.");

        var merged = callData.DeepClone().AsObject();
        if (extra is JsonObject additions)
            foreach (var (key, value) in additions)
                merged[key] = value?.DeepClone();

        return accept?.GetValue<bool>() == false ? StartWebhookDecision.Cancel(merged) : StartWebhookDecision.Dial(merged);
    }

    private static StartWebhookDecision Failed(StartWebhookConfig webhook, JsonObject callData, string failure) =>
        webhook.FailClosed ? StartWebhookDecision.Cancel(callData, failure) : StartWebhookDecision.Dial(callData, failure);

    // Input names are matched case-insensitively, as everywhere in the API.
    private static JsonNode? Property(JsonObject json, string name) =>
        json.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
}
