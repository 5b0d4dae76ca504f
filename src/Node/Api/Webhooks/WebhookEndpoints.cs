using Orchestrator.Node.Api.Auth;
using Orchestrator.Messages.Webhooks;
using Orchestrator.Node.Api.Agents;
using Orchestrator.Node.Api.Infrastructure;
using Orchestrator.Node.Webhooks;
using Orchestrator.Storage;
using Orchestrator.Storage.Webhooks;

namespace Orchestrator.Node.Api.Webhooks;

/// <summary><c>/api/v1/webhooks</c> (rest.md, Webhooks): the deliveries list and a test send.</summary>
internal static class WebhookEndpoints
{
    public static void MapWebhooks(this RouteGroupBuilder api)
    {
        var webhooks = api.MapGroup("/webhooks").WithTags("Webhooks");
        webhooks.MapGet("/deliveries", List).WithName("ListWebhookDeliveries")
            .Produces<PagedList<WebhookDeliveryView>>().ProducesValidationProblem();
        // A test send configures an agent's webhook rather than reading deliveries.
        webhooks.MapPost("/test", Test).WithName("TestWebhook").RequireScope(ApiKeyScopes.Agents)
            .Accepts<WebhookTestRequest>("application/json").Produces<WebhookTestResponse>().ProducesValidationProblem();
    }

    private static async Task<IResult> List(string? agentId, string? status, string? skip, string? take, SqlWebhookOutbox outbox, CancellationToken ct)
    {
        var paging = Paging.Parse(skip, take);
        if (paging.Error is not null) return paging.Error;
        string? statusFilter = null;
        if (!string.IsNullOrEmpty(status))
        {
            statusFilter = WebhookDeliveryStatuses.All.FirstOrDefault(s => string.Equals(s, status, StringComparison.OrdinalIgnoreCase));
            if (statusFilter is null)
                return ApiProblems.Validation(new Dictionary<string, string[]>
                {
                    ["status"] = [$"status must be one of: {string.Join(", ", WebhookDeliveryStatuses.All)}."],
                });
        }
        var page = await outbox.ListAsync(agentId, statusFilter, paging.Skip, paging.Take, ct);
        return TypedResults.Ok(new PagedList<WebhookDeliveryView>(page.Items.Select(WebhookDeliveryView.Of).ToList(), page.Total));
    }

    private static async Task<IResult> Test(HttpRequest request, WebhookPoster poster, TimeProvider time, CancellationToken ct)
    {
        var body = await ApiJson.ReadAsync<WebhookTestRequest>(request);
        if (!body.IsValid) return body.Error!;
        var test = body.Value!;

        var errors = new ValidationErrors();
        if (test.Webhook is null)
            errors.Add("webhook", "webhook is required.");
        else
            AgentValidator.ValidateWebhook("webhook", test.Webhook.Url, test.Webhook.Headers, errors);
        var type = WebhookTypes.All.FirstOrDefault(t => string.Equals(t, test.Type, StringComparison.OrdinalIgnoreCase));
        if (type is null)
            errors.Add("type", $"type must be one of: {string.Join(", ", WebhookTypes.All)}.");
        if (!errors.IsEmpty) return ApiProblems.Validation(errors.ToDictionary());

        var deliveryId = WebhookDeliveryIds.New();
        var payload = WebhookSamples.For(type!, deliveryId, time.GetUtcNow());
        var response = await poster.PostAsync(test.Webhook!.Url, test.Webhook.Headers, test.Webhook.Secret,
            WebhookPayloadJson.Serialize(payload), deliveryId, WebhookSender.Timeout, readBody: false, ct);
        return TypedResults.Ok(new WebhookTestResponse(response.IsSuccess, response.StatusCode,
            (long)response.Duration.TotalMilliseconds, response.Error));
    }
}
