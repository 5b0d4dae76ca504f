using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Orchestrator.Node.Hosting;

/// <summary>
/// Readiness check "speech": Degraded (still ready: chat works) when an engine or codec is missing,
/// with what is missing and which package provides it.
/// </summary>
public sealed class SpeechHealthCheck(SpeechEngineStatus status) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(status.RecognizerProblem is null && status.SynthesizerProblem is null && status.OpusProblem is null
            ? HealthCheckResult.Healthy(status.Describe())
            : HealthCheckResult.Degraded(status.Describe()));
}
