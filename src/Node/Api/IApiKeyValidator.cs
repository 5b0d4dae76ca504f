namespace Orchestrator.Node.Api;

/// <summary>Checks an API key (REST and the WebSocket's server-to-server authentication share it).</summary>
public interface IApiKeyValidator
{
    /// <summary>True when <paramref name="key"/> is an accepted key; compared in constant time.</summary>
    bool IsValid(string? key);
}
