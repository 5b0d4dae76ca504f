using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Options;
using Orchestrator.Actors.Sharding;
using Orchestrator.Messages.Protocol;

namespace Orchestrator.Node.WebSockets;

/// <summary><c>GET /api/v1/ws/webCall</c>: the conversation socket of protocol.md.</summary>
public static class WebCallEndpoint
{
    public const string Path = "/api/v1/ws/webCall";

    public static IServiceCollection AddWebCallEndpoint(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<WebSocketSettings>(configuration.GetSection(WebSocketSettings.Section));
        services.AddSingleton<SessionAuthenticator>();
        return services;
    }

    public static WebApplication MapWebCallEndpoint(this WebApplication app)
    {
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(20) });
        app.Map(Path, HandleAsync).WithName("webCall").ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> HandleAsync(HttpContext http, SessionAuthenticator authenticator,
        ActorSystem system, IRequiredActor<ConversationRegion> conversations, IOptions<WebSocketSettings> options)
    {
        if (!http.WebSockets.IsWebSocketRequest)
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "WebSocket upgrade required",
                detail: $"{Path} speaks the conversation protocol over a WebSocket; connect with a WebSocket client.");

        var outcome = await authenticator.AuthenticateAsync(http.Request, http.RequestAborted);
        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        var connection = new SocketConnection(socket, options.Value);
        switch (outcome)
        {
            case SessionAuthenticator.Outcome.Refused refused:
                await connection.RefuseAsync(refused.Error, CloseCodes.PolicyViolation);
                break;
            case SessionAuthenticator.Outcome.Allowed allowed:
                var region = await conversations.GetAsync(http.RequestAborted);
                var actor = system.ActorOf(SocketActor.Props(allowed.Session, region, connection, options.Value.InitTimeout),
                    "socket-" + Guid.NewGuid().ToString("N"));
                await connection.RunAsync(actor, http.RequestAborted);
                break;
        }
        return Results.Empty;
    }
}
