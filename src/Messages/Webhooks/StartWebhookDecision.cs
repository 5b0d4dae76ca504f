using System.Text.Json.Nodes;

namespace Orchestrator.Messages.Webhooks;

/// <summary>
/// What the start webhook decided for one dial attempt. <see cref="Proceed"/>: dial with
/// <see cref="AdditionalData"/> (the call's, with the reply's merged over it). Otherwise the call is
/// not dialled and becomes Canceled with <see cref="CancelReason"/>. <see cref="Failure"/> says why
/// the webhook could not be used (it failed, timed out or answered nonsense), whatever the decision.
/// </summary>
public sealed record StartWebhookDecision(bool Proceed, JsonObject AdditionalData, string? CancelReason, string? Failure)
{
    public const string CancelReasonStartWebhook = "start_webhook";

    public static StartWebhookDecision Dial(JsonObject additionalData, string? failure = null) => new(true, additionalData, null, failure);

    public static StartWebhookDecision Cancel(JsonObject additionalData, string? failure = null) =>
        new(false, additionalData, CancelReasonStartWebhook, failure);
}
