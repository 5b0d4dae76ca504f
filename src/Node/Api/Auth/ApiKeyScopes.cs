namespace Orchestrator.Node.Api.Auth;

/// <summary>The scopes of rest.md: what a key may touch. <c>admin</c> holds every other.</summary>
public static class ApiKeyScopes
{
    /// <summary>Agents, web integrations and their tokens, SIP trunks.</summary>
    public const string Agents = "agents";

    /// <summary>Outbound calls and campaigns.</summary>
    public const string Calls = "calls";

    /// <summary>Reading results and webhook deliveries.</summary>
    public const string Results = "results";

    /// <summary>Everything, including API keys and operations; keys from configuration have it.</summary>
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Agents, Calls, Results, Admin];
}

/// <summary>Who a REST or server-to-server WebSocket request authenticated as.</summary>
/// <param name="ApiKeyId">The stored key's id; <c>configuration</c> for the keys from configuration (they share one rate).</param>
public sealed record ApiKeyPrincipal(string ApiKeyId, IReadOnlyList<string> Scopes)
{
    public bool Has(string scope) => Scopes.Contains(ApiKeyScopes.Admin) || Scopes.Contains(scope);
}
