using System.Text;

namespace Orchestrator.Media.Sip.Messages;

/// <summary>
/// A name-addr or addr-spec with header parameters, as in From, To, Contact, Route and
/// Record-Route: <c>"Alice" &lt;sip:alice@host&gt;;tag=1</c>. In the bare addr-spec form every
/// <c>;param</c> belongs to the header, not the URI (RFC 3261 §20.10).
/// </summary>
public sealed class SipNameAddress
{
    public string? DisplayName { get; set; }
    public SipUri Uri { get; set; } = new();
    public SipParameters Parameters { get; init; } = new();

    public string? Tag
    {
        get => Parameters.Get("tag");
        set
        {
            if (value is null) Parameters.Remove("tag");
            else Parameters.Set("tag", value);
        }
    }

    public SipNameAddress() { }

    public SipNameAddress(SipUri uri, string? displayName = null)
    {
        Uri = uri;
        DisplayName = displayName;
    }

    public static SipNameAddress Parse(string text) =>
        TryParse(text, out var value, out var error) ? value : throw new SipParseException(error);

    public static bool TryParse(string? text, out SipNameAddress value, out string error)
    {
        value = null!;
        error = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "empty address";
            return false;
        }
        text = text.Trim();
        var result = new SipNameAddress();
        int i = 0;
        int lt = -1;
        if (text[0] == '"')
        {
            if (!SipSyntax.TryReadQuoted(text, ref i, out var display))
            {
                error = "unterminated display name";
                return false;
            }
            result.DisplayName = display;
            SipSyntax.SkipWhitespace(text, ref i);
            if (i >= text.Length || text[i] != '<')
            {
                error = "display name without <URI>";
                return false;
            }
            lt = i;
        }
        else
        {
            int quote = text.IndexOf('"');
            int angle = text.IndexOf('<');
            if (angle >= 0 && (quote < 0 || quote > angle))
            {
                string display = text[..angle].Trim();
                if (display.Length > 0) result.DisplayName = display;
                lt = angle;
            }
        }
        if (lt >= 0)
        {
            int gt = text.IndexOf('>', lt + 1);
            if (gt < 0)
            {
                error = "unterminated <URI>";
                return false;
            }
            if (!SipUri.TryParse(text[(lt + 1)..gt], out var uri, out error)) return false;
            result.Uri = uri;
            i = gt + 1;
        }
        else
        {
            int semi = text.IndexOf(';');
            // addr-spec: for a SIP URI the parameters are the header's; e.g. "sip:a@b;tag=x".
            int end = semi < 0 ? text.Length : semi;
            if (!SipUri.TryParse(text[..end], out var uri, out error)) return false;
            result.Uri = uri;
            i = end;
        }
        if (!SipSyntax.TryReadParameters(text, ref i, result.Parameters, out error)) return false;
        value = result;
        return true;
    }

    public SipNameAddress Clone() => new() { DisplayName = DisplayName, Uri = Uri.Clone(), Parameters = Parameters.Clone() };

    public override string ToString()
    {
        var sb = new StringBuilder();
        if (!string.IsNullOrEmpty(DisplayName)) sb.Append(SipSyntax.Quote(DisplayName)).Append(' ');
        sb.Append('<').Append(Uri).Append('>');
        Parameters.AppendTo(sb);
        return sb.ToString();
    }
}
