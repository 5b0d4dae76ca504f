using System.Collections.Concurrent;
using Akka.Actor;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Orchestrator.Node.WebSockets;

namespace Orchestrator.Node.Hosting;

/// <summary>
/// The graceful leave on SIGTERM. It runs when the host starts stopping, before Kestrel and the
/// actor system stop: readiness goes unready, new sockets are refused, chat sockets are asked to
/// resume on another node, live calls get until the drain timeout. Then the host goes on to stop
/// Kestrel and run Akka's coordinated shutdown (shard hand-off, cluster leave).
/// </summary>
public sealed class NodeDrain(IOptions<DrainOptions> options, ILogger<NodeDrain> log) : IHostedLifecycleService
{
    private readonly ConcurrentDictionary<IActorRef, byte> _sockets = new();
    private volatile bool _draining;

    public bool Draining => _draining;
    public int OpenSockets => _sockets.Count;

    /// <summary>Tracks a socket actor while its connection runs.</summary>
    public IDisposable Track(IActorRef socket)
    {
        _sockets[socket] = 0;
        if (_draining) socket.Tell(SocketActor.Drain.Instance); // accepted just as the drain began
        return new Untrack(this, socket);
    }

    private sealed class Untrack(NodeDrain drain, IActorRef socket) : IDisposable
    {
        public void Dispose() => drain._sockets.TryRemove(socket, out _);
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        _draining = true;
        log.LogInformation("Draining: unready now; asking {Sockets} sockets to resume elsewhere in {Delay}", _sockets.Count, settings.ReadinessDelay);
        await Task.Delay(settings.ReadinessDelay, cancellationToken);
        foreach (var socket in _sockets.Keys) socket.Tell(SocketActor.Drain.Instance);

        var deadline = DateTime.UtcNow + settings.Timeout;
        while (!_sockets.IsEmpty && DateTime.UtcNow < deadline && !cancellationToken.IsCancellationRequested)
            await Task.Delay(100, CancellationToken.None);
        if (_sockets.IsEmpty) log.LogInformation("Drained: no socket left; leaving the cluster");
        else log.LogWarning("Drain timeout: {Sockets} sockets (live calls) still open; leaving the cluster anyway", _sockets.Count);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Readiness: a draining node takes no new work.</summary>
public sealed class DrainHealthCheck(NodeDrain drain) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(drain.Draining
            ? HealthCheckResult.Unhealthy($"draining: {drain.OpenSockets} sockets open")
            : HealthCheckResult.Healthy("taking new sockets"));
}
