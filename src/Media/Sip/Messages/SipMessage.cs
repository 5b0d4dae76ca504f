using System.Globalization;
using System.Text;

namespace Orchestrator.Media.Sip.Messages;

/// <summary>
/// A SIP request or response: start line, headers, body. Typed accessors parse the common headers
/// on first use and keep the result until the headers change, so the user agent, the transaction
/// and the call all share one parse of Via, CSeq, From, To and Contact; they throw
/// <see cref="SipParseException"/> when a header is malformed (the parser has already checked the
/// ones every message must carry: Via, From, To, Call-ID, CSeq). The parsed values are shared:
/// clone before changing them.
/// </summary>
public abstract class SipMessage
{
    private Cached<SipCSeq> _cseq;
    private Cached<SipNameAddress> _from, _to, _contact;
    private Cached<SipVia> _topVia;
    private Cached<string> _callId;

    public SipHeaders Headers { get; init; } = new();
    public byte[] Body { get; set; } = [];

    public string? CallId => Get(ref _callId, static m => m.Headers.Get("Call-ID"));

    public SipCSeq CSeq => Get(ref _cseq, static m => SipCSeq.TryParse(m.Headers.Get("CSeq"), out var c, out var e) ? c : throw new SipParseException(e));

    public SipNameAddress From => Get(ref _from, static m => SipNameAddress.Parse(m.Headers.Get("From") ?? throw new SipParseException("no From")))!;

    public SipNameAddress To => Get(ref _to, static m => SipNameAddress.Parse(m.Headers.Get("To") ?? throw new SipParseException("no To")))!;

    public List<SipVia> Vias => Headers.GetValues("Via").Select(SipVia.Parse).ToList();

    public SipVia TopVia => Get(ref _topVia, static m => SipVia.Parse(m.FirstValue("Via") ?? throw new SipParseException("no Via")))!;

    public SipNameAddress? Contact =>
        Get(ref _contact, static m => m.FirstValue("Contact") is { } c && c != "*" ? SipNameAddress.Parse(c) : null);

    public List<SipNameAddress> RecordRoutes => Headers.GetValues("Record-Route").Select(SipNameAddress.Parse).ToList();

    public string? ContentType => Headers.Get("Content-Type");

    public string BodyText => Encoding.UTF8.GetString(Body);

    public bool HasSdp => Body.Length > 0 && ContentType is { } type && IsSdp(type);

    private static bool IsSdp(string contentType)
    {
        var media = contentType.AsSpan();
        int semicolon = media.IndexOf(';');
        if (semicolon >= 0) media = media[..semicolon];
        return media.Trim().Equals("application/sdp", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The first element of a list header without splitting the whole list (the common case is one value per line).</summary>
    private string? FirstValue(string name)
    {
        var line = Headers.Get(name);
        if (line is null) return null;
        return line.AsSpan().IndexOfAny(',', '"') < 0 ? line : SipSyntax.SplitList(line).FirstOrDefault();
    }

    private T? Get<T>(ref Cached<T> cache, Func<SipMessage, T?> parse)
    {
        int version = Headers.Version;
        if (cache.Filled && cache.Version == version) return cache.Value;
        var value = parse(this);
        cache = new Cached<T>(true, version, value);
        return value;
    }

    private readonly record struct Cached<T>(bool Filled, int Version, T? Value);

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
        string head = sb.ToString();
        int headerBytes = Encoding.UTF8.GetByteCount(head);
        var bytes = new byte[headerBytes + Body.Length];
        Encoding.UTF8.GetBytes(head, bytes);
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
