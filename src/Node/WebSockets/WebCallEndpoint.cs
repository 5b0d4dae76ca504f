using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Options;
using Orchestrator.Node.Hosting;
using Orchestrator.Node.Limits;
using Orchestrator.Messages.Protocol;

namespace Orchestrator.Node.WebSockets;

/// <summary><c>GET /api/v1/ws/webCall</c>: the conversation socket of protocol.md.</summary>
public static class WebCallEndpoint
{
    public const string Path = "/api/v1/ws/webCall";
    public const string ServerErrorMessage = "Internal server error";

    public static IServiceCollection AddWebCallEndpoint(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<WebSocketSettings>(configuration.GetSection(WebSocketSettings.Section));
        services.AddSingleton<SessionAuthenticator>();
        services.AddSingleton<IntegrationCaps>();
        services.AddSingleton<AgentSnapshots>();
        return services;
    }

    public static WebApplication MapWebCallEndpoint(this WebApplication app)
    {
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(20) });
        app.Map(Path, HandleAsync).WithName("webCall").ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> HandleAsync(HttpContext http, SessionAuthenticator authenticator,
        ActorSystem system, ConversationRouting conversations, IOptions<WebSocketSettings> options,
        IOptions<LimitOptions> limits, IntegrationCaps caps, ILoggerFactory loggers, NodeDrain drain)
    {
        if (drain.Draining)
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Node is draining",
                detail: "This node is shutting down; connect to another node.");
        if (!http.WebSockets.IsWebSocketRequest)
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "WebSocket upgrade required",
                detail: $"{Path} speaks the conversation protocol over a WebSocket; connect with a WebSocket client.");

        SessionAuthenticator.Outcome outcome;
        IDisposable? lease = null;
        try
        {
            outcome = await authenticator.AuthenticateAsync(http.Request, http.RequestAborted);
            if (outcome is SessionAuthenticator.Outcome.Allowed admitted)
                switch (await caps.AcquireAsync(admitted.Session, http.RequestAborted))
                {
                    case IntegrationCaps.Outcome.Granted granted: lease = granted.Lease; break;
                    case IntegrationCaps.Outcome.Refused capped: outcome = new SessionAuthenticator.Outcome.Refused(capped.Error); break;
                }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The client is told the server failed (1011), never the exception itself.
            loggers.CreateLogger(typeof(WebCallEndpoint)).LogError(ex, "Authenticating a conversation socket failed");
            outcome = new SessionAuthenticator.Outcome.Failed();
        }
        using var held = lease;
        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        var connection = new SocketConnection(socket, options.Value);
        switch (outcome)
        {
            case SessionAuthenticator.Outcome.Refused refused:
                await connection.RefuseAsync(refused.Error, CloseCodes.PolicyViolation);
                break;
            case SessionAuthenticator.Outcome.Failed:
                await connection.RefuseAsync(ServerErrorMessage, CloseCodes.ServerError);
                break;
            case SessionAuthenticator.Outcome.Allowed allowed:
                var router = await conversations.GetAsync(http.RequestAborted);
                var actor = system.ActorOf(SocketActor.Props(allowed.Session, router, connection, options.Value.InitTimeout, MessageRateOf(limits.Value)),
                    "socket-" + Guid.NewGuid().ToString("N"));
                using (drain.Track(actor)) await connection.RunAsync(actor, http.RequestAborted);
                break;
        }
        return Results.Empty;
    }

    private static MessageRate MessageRateOf(LimitOptions limits) =>
        new(limits.SocketMessageBurst, limits.SocketMessagesPerSecond, limits.SocketExcessBeforeClose);
}
