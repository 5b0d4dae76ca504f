using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orchestrator.Speech.Vendors;

namespace Orchestrator.Node.Hosting;

/// <summary>
/// Readiness check "speech": Degraded (still ready: chat works) when a default engine or the Opus
/// codec is missing, with what is missing and which package provides it. An embedded engine that only
/// a non-default vendor needs is named but does not degrade: a node whose agents all use openai need
/// not install pocketsphinx.
/// </summary>
public sealed class SpeechHealthCheck(SpeechEngineStatus status, SpeechEngineRegistry registry) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(registry.DefaultsProblem is null && status.OpusProblem is null
            ? HealthCheckResult.Healthy(status.Describe(registry))
            : HealthCheckResult.Degraded(status.Describe(registry)));
}
