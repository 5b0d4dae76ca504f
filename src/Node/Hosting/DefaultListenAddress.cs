namespace Orchestrator.Node.Hosting;

/// <summary>
/// Where the node listens when nobody said: loopback, port 5080. The default is applied only when
/// none of ASP.NET Core's own ways of choosing addresses was used (<c>ASPNETCORE_URLS</c> or
/// <c>--urls</c>, <c>ASPNETCORE_HTTP_PORTS</c>/<c>HTTPS_PORTS</c>, a <c>Urls</c> setting, Kestrel
/// endpoints), so they all work as in any ASP.NET Core app. It lives here and not in
/// appsettings.json because a <c>Urls</c> entry there would override the environment.
/// </summary>
public static class DefaultListenAddress
{
    public const string Url = "http://127.0.0.1:5080";

    public static WebApplicationBuilder ListenOnLoopbackByDefault(this WebApplicationBuilder builder)
    {
        if (!Chosen(builder.Configuration)) builder.WebHost.UseUrls(Url);
        return builder;
    }

    /// <summary>Whether the configuration (files, ASPNETCORE_/DOTNET_ variables, command line) names an address.</summary>
    public static bool Chosen(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["urls"])
        || !string.IsNullOrWhiteSpace(configuration["http_ports"])
        || !string.IsNullOrWhiteSpace(configuration["https_ports"])
        || configuration.GetSection("Kestrel:Endpoints").GetChildren().Any();
}
