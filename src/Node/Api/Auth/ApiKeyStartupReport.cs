namespace Orchestrator.Node.Api.Auth;

/// <summary>Says at start-up, once, how API keys are set up, so a refused call is never a mystery.</summary>
internal sealed class ApiKeyStartupReport(ApiKeyValidator validator, IHostEnvironment environment, ILogger<ApiKeyStartupReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (validator.UsesDevelopmentKey)
            logger.LogWarning(
                "No API key configured ({Section}): accepting the development key '{DevelopmentKey}' because the environment is Development. Never run like this in production.",
                ApiKeyOptions.Section, ApiKeyOptions.DevelopmentKey);
        else if (!validator.HasKeys)
            logger.LogError(
                "No API key configured ({Section}) in the {Environment} environment: every REST call and API-key WebSocket connection will be refused with 401. Set Orchestrator__ApiKeys__0.",
                ApiKeyOptions.Section, environment.EnvironmentName);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
