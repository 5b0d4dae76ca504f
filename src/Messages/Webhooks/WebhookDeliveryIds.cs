using System.Security.Cryptography;
using System.Text;

namespace Orchestrator.Messages.Webhooks;

/// <summary>
/// Delivery ids derived from what a delivery reports, so writing it again (a retried result save,
/// a dispatcher that restarted mid-way) finds the row already there instead of adding a second one.
/// A conversation and a call can share an id, hence the prefix.
/// </summary>
public static class WebhookDeliveryIds
{
    /// <summary>The one <paramref name="type"/> delivery about a conversation's result.</summary>
    public static string ForConversation(string conversationId, string type) => Derive($"conversation:{conversationId}:{type}");

    /// <summary>The one <paramref name="type"/> delivery about a queued call (its deadline, its failure for good).</summary>
    public static string ForCall(string callId, string type) => Derive($"call:{callId}:{type}");

    /// <summary>A fresh id for a delivery that is never written twice (a start webhook call, a test).</summary>
    public static string New() => Guid.CreateVersion7().ToString();

    // A name-based UUID (the version-5 layout over SHA-256): stable, opaque, and the same length as the others.
    private static string Derive(string name)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(name), hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true).ToString();
    }
}
