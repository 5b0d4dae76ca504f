namespace Orchestrator.Node.Api.Auth;

/// <summary>
/// The API keys accepted for REST and server-to-server WebSocket clients, from "Orchestrator:ApiKeys":
/// an array (<c>Orchestrator__ApiKeys__0=…</c>) or one comma-separated value (<c>Orchestrator__ApiKeys=k1,k2</c>).
/// </summary>
public sealed class ApiKeyOptions
{
    public const string Section = "Orchestrator:ApiKeys";

    /// <summary>Accepted only in the Development environment, and only when no key is configured.</summary>
    public const string DevelopmentKey = "dev-api-key";

    public List<string> Keys { get; set; } = [];

    public static List<string> ReadKeys(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var keys = section.GetChildren().Select(c => c.Value).ToList();
        if (!string.IsNullOrWhiteSpace(section.Value))
            keys.AddRange(section.Value.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries));
        return keys.Where(k => !string.IsNullOrWhiteSpace(k)).Select(k => k!.Trim()).Distinct().ToList();
    }
}
