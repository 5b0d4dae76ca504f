using Akka.Hosting;

namespace Orchestrator.Node.Hosting;

public static class DrainSetup
{
    /// <summary>
    /// Akka must not start its coordinated shutdown on SIGTERM by itself (its CLR hook would leave
    /// the cluster at once, under the sockets' feet): the host stops it after the drain instead.
    /// </summary>
    public static AkkaConfigurationBuilder WithShutdownAfterDrain(this AkkaConfigurationBuilder builder) =>
        builder.AddHocon("akka.coordinated-shutdown.run-by-clr-shutdown-hook = off", HoconAddMode.Prepend);

    public static IServiceCollection AddNodeDrain(this IServiceCollection services, IConfiguration configuration)
    {
        var drain = configuration.GetSection(DrainOptions.Section).Get<DrainOptions>() ?? new DrainOptions();
        drain.Validate();
        services.Configure<DrainOptions>(configuration.GetSection(DrainOptions.Section));
        services.AddSingleton<NodeDrain>();
        services.AddHostedService(sp => sp.GetRequiredService<NodeDrain>());
        services.AddHealthChecks().AddCheck<DrainHealthCheck>("drain", tags: ["ready"]);
        // The host must wait for the whole drain and the cluster leave before it gives up.
        services.Configure<HostOptions>(o => o.ShutdownTimeout = drain.ShutdownTimeout);
        return services;
    }
}
