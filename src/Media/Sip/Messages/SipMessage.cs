using System.Globalization;
using System.Text;

namespace Orchestrator.Media.Sip.Messages;

/// <summary>
/// A SIP request or response: start line, headers, body. Typed accessors parse the common headers
/// on demand and throw <see cref="SipParseException"/> when they are malformed; the parser has
/// already checked the ones every message must carry (Via, From, To, Call-ID, CSeq).
/// </summary>
public abstract class SipMessage
{
    public SipHeaders Headers { get; init; } = new();
    public byte[] Body { get; set; } = [];

    public string? CallId => Headers.Get("Call-ID");

    public SipCSeq CSeq => SipCSeq.TryParse(Headers.Get("CSeq"), out var c, out var e) ? c : throw new SipParseException(e);

    public SipNameAddress From => SipNameAddress.Parse(Headers.Get("From") ?? throw new SipParseException("no From"));

    public SipNameAddress To => SipNameAddress.Parse(Headers.Get("To") ?? throw new SipParseException("no To"));

    public List<SipVia> Vias => Headers.GetValues("Via").Select(SipVia.Parse).ToList();

    public SipVia TopVia => SipVia.Parse(Headers.GetValues("Via").FirstOrDefault() ?? throw new SipParseException("no Via"));

    public SipNameAddress? Contact =>
        Headers.GetValues("Contact").FirstOrDefault() is { } c && c != "*" ? SipNameAddress.Parse(c) : null;

    public List<SipNameAddress> RecordRoutes => Headers.GetValues("Record-Route").Select(SipNameAddress.Parse).ToList();

    public string? ContentType => Headers.Get("Content-Type");

    public string BodyText => Encoding.UTF8.GetString(Body);

    public bool HasSdp => Body.Length > 0 && (ContentType?.Split(';')[0].Trim().Equals("application/sdp", StringComparison.OrdinalIgnoreCase) ?? false);

    public abstract string StartLine { get; }

    public void SetBody(string contentType, string body)
    {
        Headers.Set("Content-Type", contentType);
        Body = Encoding.UTF8.GetBytes(body);
    }

    /// <summary>Writes the message; Content-Length is always written from the body.</summary>
    public byte[] ToBytes()
    {
        var sb = new StringBuilder(256 + Body.Length);
        sb.Append(StartLine).Append("\r\n");
        foreach (var (name, value) in Headers.Items)
        {
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) continue;
            sb.Append(name).Append(": ").Append(value).Append("\r\n");
        }
        sb.Append("Content-Length: ").Append(Body.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n\r\n");
        int headerBytes = Encoding.UTF8.GetByteCount(sb.ToString());
        var bytes = new byte[headerBytes + Body.Length];
        Encoding.UTF8.GetBytes(sb.ToString(), bytes);
        Body.CopyTo(bytes, headerBytes);
        return bytes;
    }

    public override string ToString() => Encoding.UTF8.GetString(ToBytes());
}

public sealed class SipRequest : SipMessage
{
    public string Method { get; set; } = "";
    public SipUri Uri { get; set; } = new();

    public override string StartLine => $"{Method} {Uri} SIP/2.0";
}

public sealed class SipResponse : SipMessage
{
    public int StatusCode { get; set; }
    public string ReasonPhrase { get; set; } = "";

    public bool IsProvisional => StatusCode < 200;
    public bool IsSuccess => StatusCode is >= 200 and < 300;

    public override string StartLine => string.Create(CultureInfo.InvariantCulture, $"SIP/2.0 {StatusCode} {ReasonPhrase}");
}
