using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orchestrator.Messages;
using Orchestrator.Node.Api.Agents;
using Orchestrator.Node.Api.Calls;
using Orchestrator.Node.Api.Auth;
using Orchestrator.Node.Api.Integrations;
using Orchestrator.Node.Api.Results;
using Orchestrator.Node.Api.Telephony;
using Orchestrator.Node.Api.Webhooks;
using Orchestrator.Node.Limits;

namespace Orchestrator.Node.Api;

/// <summary>The REST API under /api/v1 (rest.md), its API keys, problem details and OpenAPI document.</summary>
public static class ApiEndpoints
{
    public const string BasePath = "/api/v1";

    public static IServiceCollection AddOrchestratorApi(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddOptions<ApiKeyOptions>().Configure(o => o.Keys = ApiKeyOptions.ReadKeys(configuration));
        services.TryAddSingleton<ApiKeyValidator>();
        services.TryAddSingleton<IApiKeyValidator, ApiKeyAuthenticator>();
        services.AddEdgeLimits(configuration);
        services.AddHostedService<ApiKeyStartupReport>();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<AgentValidator>();
        services.TryAddSingleton<WebIntegrationValidator>();
        // AgentValidator takes every registered Func<JsonObject, IEnumerable<(string Path, string Message)>>
        // (the dialogue engine's script check); none registered is an empty list.

        services.ConfigureHttpJsonOptions(o => CopyJsonDefaults(o.SerializerOptions));
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            // Never leak exception text: an unhandled error is a plain 500 problem.
            if (context.Exception is not null)
                context.ProblemDetails.Detail = "An unexpected error occurred. It has been logged.";
        });
        services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            // Declares the API-key bearer scheme so generated clients and UIs send the header.
            document.Components ??= new Microsoft.OpenApi.OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, Microsoft.OpenApi.IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["ApiKey"] = new Microsoft.OpenApi.OpenApiSecurityScheme
            {
                Type = Microsoft.OpenApi.SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "Authorization: Bearer <api key> (Orchestrator:ApiKeys)",
            };
            document.Security ??= [];
            document.Security.Add(new Microsoft.OpenApi.OpenApiSecurityRequirement
            {
                [new Microsoft.OpenApi.OpenApiSecuritySchemeReference("ApiKey", document)] = [],
            });
            return Task.CompletedTask;
        }));
        return services;
    }

    public static WebApplication MapOrchestratorApi(this WebApplication app)
    {
        // Problem details for unhandled exceptions (also in Development) and for bodiless error
        // statuses such as an unknown route or a method not allowed.
        app.UseExceptionHandler();
        app.UseStatusCodePages();

        app.MapOpenApi();

        // Every endpoint declares its scope here (rest.md; the README's table lists them).
        var api = app.MapGroup(BasePath).AddEndpointFilter<ApiKeyEndpointFilter>();
        var agents = api.MapGroup("").RequireScope(ApiKeyScopes.Agents);
        agents.MapAgents();
        agents.MapWebIntegrations();
        agents.MapSipTrunks();
        var calls = api.MapGroup("").RequireScope(ApiKeyScopes.Calls);
        calls.MapCalls();
        Campaigns.CampaignEndpoints.MapCampaigns(calls);
        var results = api.MapGroup("").RequireScope(ApiKeyScopes.Results);
        results.MapCallResults();
        results.MapWebhooks();
        api.MapApiKeys();
        return app;
    }

    private static void CopyJsonDefaults(System.Text.Json.JsonSerializerOptions target)
    {
        var source = JsonDefaults.Options;
        target.PropertyNamingPolicy = source.PropertyNamingPolicy;
        target.DictionaryKeyPolicy = source.DictionaryKeyPolicy;
        target.PropertyNameCaseInsensitive = source.PropertyNameCaseInsensitive;
        target.DefaultIgnoreCondition = source.DefaultIgnoreCondition;
        target.NumberHandling = source.NumberHandling;
        target.MaxDepth = source.MaxDepth;
        foreach (var converter in source.Converters)
            if (!target.Converters.Any(c => c.GetType() == converter.GetType()))
                target.Converters.Add(converter);
    }
}
