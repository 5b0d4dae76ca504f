namespace Orchestrator.Node.Limits;

/// <summary>
/// The client's address for per-address limits. Behind a trusted proxy the forwarded-headers
/// middleware has already replaced the connection's address with the client's; anyone else's
/// X-Forwarded-For is ignored, so a client cannot pick its own partition.
/// </summary>
public static class ClientAddress
{
    public static string Of(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
