using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Orchestrator.Node.Webhooks;

/// <summary>
/// <c>X-Orchestrator-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, "&lt;t&gt;.&lt;raw body&gt;")&gt;</c>
/// (rest.md, Webhooks). The time is in the signed text so a receiver can refuse old replays.
/// </summary>
public static class WebhookSignature
{
    public const string SignatureHeader = "X-Orchestrator-Signature";
    public const string DeliveryHeader = "X-Orchestrator-Delivery";

    public static string Header(string secret, string body, DateTimeOffset now)
    {
        var t = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}"));
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }
}
