namespace Orchestrator.Messages.Webhooks;

/// <summary>The <c>type</c> of a webhook body (rest.md, Webhooks), spelled as the hosted platform spells it.</summary>
public static class WebhookTypes
{
    public const string Start = "StartWebHookPayload";
    public const string Completed = "CompletedWebHookPayload";
    public const string Failed = "FailedWebHookPayload";
    public const string CallDeadLine = "CallDeadLineWebHookPayload";
    public const string Tool = "ToolWebHookPayload";

    public static readonly string[] All = [Start, Completed, Failed, CallDeadLine, Tool];
}
