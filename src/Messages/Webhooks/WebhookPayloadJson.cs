using System.Text.Json;

namespace Orchestrator.Messages.Webhooks;

/// <summary>The exact bytes a payload is sent as: the API's JSON conventions, the runtime type's fields.</summary>
public static class WebhookPayloadJson
{
    public static string Serialize(WebhookPayload payload) =>
        JsonSerializer.Serialize(payload, payload.GetType(), JsonDefaults.Options);
}
