using System.Globalization;
using Akka.Actor;

namespace Orchestrator.Actors.Sharding;

/// <summary>
/// Conversation ids. A voice conversation's id names the node that owns its media: a GUID, a dash
/// and a node token ("n" and 8 hex digits), so any node can route to it by id alone and the
/// pinned region keeps it on that node. Chat ids are plain GUIDs and shard freely.
/// </summary>
public static class ConversationIds
{
    private const int TokenLength = 9;

    /// <summary>The token of a node: a stable hash of its host and port (the same after a restart on the same address).</summary>
    public static string NodeToken(Address address)
    {
        var key = $"{address.Host}:{address.Port}";
        uint hash = 2166136261; // FNV-1a: stable across processes, unlike string.GetHashCode
        foreach (var c in key)
        {
            hash ^= c;
            hash *= 16777619;
        }
        return "n" + hash.ToString("x8", CultureInfo.InvariantCulture);
    }

    public static string NewPinned(string nodeToken) => $"{Guid.NewGuid()}-{nodeToken}";

    /// <summary>The node token in a pinned id, or null for any other id.</summary>
    public static string? NodeTokenOf(string conversationId)
    {
        if (conversationId.Length <= TokenLength + 1 || conversationId[^(TokenLength + 1)] != '-' || conversationId[^TokenLength] != 'n')
            return null;
        var token = conversationId[^TokenLength..];
        for (var i = 1; i < token.Length; i++)
            if (!char.IsAsciiHexDigitLower(token[i])) return null;
        return token;
    }

    public static bool IsPinned(string conversationId) => NodeTokenOf(conversationId) is not null;
}
