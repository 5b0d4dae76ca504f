namespace Orchestrator.Node.Api.Auth;

/// <summary>Endpoint metadata: the scope a key needs. The API-key filter refuses an endpoint without one.</summary>
public sealed record RequiredScope(string Scope);

public static class RequiredScopeExtensions
{
    /// <summary>Declares the scope every endpoint of <paramref name="builder"/> needs (the last declared wins).</summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, string scope) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiredScope(scope));
}
