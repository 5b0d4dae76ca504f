using Orchestrator.Messages.Integrations;
using Orchestrator.Messages.Protocol;
using Orchestrator.Node.Api;
using Orchestrator.Node.Api.Auth;
using Orchestrator.Node.Limits;
using Orchestrator.Storage.Integrations;

namespace Orchestrator.Node.WebSockets;

/// <summary>
/// Decides who may open a conversation socket: a web-integration token (browsers, with an Origin
/// check) or an API key naming the agent (servers). Failures carry the fixed texts of protocol.md.
/// </summary>
public sealed class SessionAuthenticator(IWebIntegrationStore integrations, AgentSnapshots agents, IApiKeyValidator apiKeys,
    FailedAttempts failures, ClientConnectionLimiter connections)
{
    public abstract record Outcome
    {
        public sealed record Allowed(SessionContext Session) : Outcome;
        public sealed record Refused(string Error) : Outcome;
        /// <summary>The check itself failed (the database is down, say): a server error, not the client's.</summary>
        public sealed record Failed : Outcome;
    }

    public async Task<Outcome> AuthenticateAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        // Throttles come first: a blocked guesser learns nothing, and costs no database lookup.
        var address = ClientAddress.Of(request.HttpContext);
        if (failures.IsBlocked(address)) return Refuse(ProtocolErrors.TooManyFailedAttempts);
        if (!connections.TryAcquire(address)) return Refuse(ProtocolErrors.RateLimitExceeded);

        var outcome = await CheckCredentialsAsync(request, cancellationToken);
        if (outcome is Outcome.Refused { Error: ProtocolErrors.InvalidToken }) failures.Record(address);
        return outcome;
    }

    private async Task<Outcome> CheckCredentialsAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var apiKey = ApiKeyOf(request);
        if (apiKey is not null)
            return await ByApiKeyAsync(apiKey, request.Query["agentId"].ToString(), cancellationToken);

        var token = request.Query["token"].ToString();
        if (string.IsNullOrEmpty(token)) return Refuse(ProtocolErrors.MissingToken);

        var found = await integrations.AuthenticateTokenAsync(token, cancellationToken);
        if (found is not { Integration: var integration }) return Refuse(ProtocolErrors.InvalidToken);
        if (!integration.Enabled) return Refuse(ProtocolErrors.IntegrationNotEnabled);
        if (!OriginAllowed(integration, request.Headers.Origin.ToString())) return Refuse(ProtocolErrors.OriginNotAllowed);

        var agent = await agents.GetAsync(integration.AgentId, cancellationToken);
        return agent is null
            ? Refuse("Agent not found")
            : new Outcome.Allowed(new SessionContext(agent, integration));
    }

    private async Task<Outcome> ByApiKeyAsync(string apiKey, string agentId, CancellationToken cancellationToken)
    {
        if (await apiKeys.AuthenticateAsync(apiKey, cancellationToken) is not { } principal) return Refuse(ProtocolErrors.InvalidToken);
        // A server-to-server conversation is a call: keys for agents or results only may not open one.
        if (!principal.Has(ApiKeyScopes.Calls)) return Refuse($"The API key does not have the '{ApiKeyScopes.Calls}' scope");
        if (string.IsNullOrEmpty(agentId)) return Refuse("Missing agentId");
        var agent = await agents.GetAsync(agentId, cancellationToken);
        return agent is null ? Refuse("Agent not found") : new Outcome.Allowed(new SessionContext(agent, null));
    }

    /// <summary>An API key in the query (<c>authorization</c>) or in an <c>Authorization: Bearer</c> header.</summary>
    private static string? ApiKeyOf(HttpRequest request)
    {
        var query = request.Query["authorization"].ToString();
        if (!string.IsNullOrEmpty(query)) return query.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? query[7..] : query;
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
    }

    /// <summary>An integration with no origins, or with "*", accepts any; otherwise the Origin must be listed.</summary>
    public static bool OriginAllowed(WebIntegration integration, string origin)
    {
        if (integration.AcceptsAnyOrigin) return true;
        if (string.IsNullOrEmpty(origin)) return false;
        var normalised = origin.TrimEnd('/');
        return integration.Origins.Any(o => string.Equals(o.TrimEnd('/'), normalised, StringComparison.OrdinalIgnoreCase));
    }

    private static Outcome.Refused Refuse(string error) => new(error);
}
