using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Orchestrator.Node.Api.Auth;

/// <summary>The keys from configuration (the store's keys are checked by <see cref="ApiKeyAuthenticator"/>).</summary>
public sealed class ApiKeyValidator
{
    // Keys are compared as SHA-256 digests: equal lengths, so FixedTimeEquals leaks neither content nor length.
    private readonly byte[][] _digests;

    public ApiKeyValidator(IOptions<ApiKeyOptions> options, IHostEnvironment environment)
    {
        var keys = options.Value.Keys.Where(k => !string.IsNullOrWhiteSpace(k)).ToList();
        UsesDevelopmentKey = keys.Count == 0 && environment.IsDevelopment();
        if (UsesDevelopmentKey) keys.Add(ApiKeyOptions.DevelopmentKey);
        HasKeys = keys.Count > 0;
        _digests = keys.Select(Digest).ToArray();
    }

    /// <summary>No key is configured and this is Development: the development key is accepted.</summary>
    public bool UsesDevelopmentKey { get; }

    /// <summary>False when every call will be refused.</summary>
    public bool HasKeys { get; }

    public bool IsValid(string? key)
    {
        if (string.IsNullOrEmpty(key)) return false;
        var digest = Digest(key);
        var match = false;
        foreach (var candidate in _digests)
            match |= CryptographicOperations.FixedTimeEquals(digest, candidate);
        return match;
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
