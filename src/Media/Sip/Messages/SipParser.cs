using System.Globalization;
using System.Text;

namespace Orchestrator.Media.Sip.Messages;

/// <summary>
/// Parses one SIP message from a datagram (or a frame cut by <see cref="SipStreamFramer"/>):
/// unfolds continuation lines, expands compact header names, checks the start line and the
/// headers every message needs, and takes the body by Content-Length.
/// </summary>
public static class SipParser
{
    public const int MaxMessageBytes = 64 * 1024;

    public static SipMessage Parse(ReadOnlySpan<byte> data) =>
        TryParse(data, out var message, out var error) ? message : throw new SipParseException(error);

    public static bool TryParse(ReadOnlySpan<byte> data, out SipMessage message, out string error)
    {
        message = null!;
        try
        {
            return TryParseCore(data, out message, out error);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or OverflowException or DecoderFallbackException)
        {
            // Defence in depth: the helpers validate before use, but the network must never crash us.
            error = "malformed message: " + ex.Message;
            return false;
        }
    }

    private static bool TryParseCore(ReadOnlySpan<byte> data, out SipMessage message, out string error)
    {
        message = null!;
        // RFC 3261 §7.5: ignore CRLFs before the start line (keep-alives).
        while (data.Length > 0 && data[0] is (byte)'\r' or (byte)'\n') data = data[1..];
        if (data.IsEmpty)
        {
            error = "empty message";
            return false;
        }
        if (data.Length > MaxMessageBytes)
        {
            error = $"message of {data.Length} bytes is too large";
            return false;
        }
        int headerEnd = FindHeaderEnd(data, out int separatorLength);
        if (headerEnd < 0)
        {
            error = "no empty line after the headers";
            return false;
        }
        string head = Encoding.UTF8.GetString(data[..headerEnd]);
        var body = data[(headerEnd + separatorLength)..];
        var lines = Unfold(head);
        if (lines.Count == 0)
        {
            error = "no start line";
            return false;
        }

        SipMessage result;
        if (!TryParseStartLine(lines[0], out result, out error)) return false;
        for (int n = 1; n < lines.Count; n++)
        {
            string line = lines[n];
            int colon = line.IndexOf(':');
            if (colon <= 0)
            {
                error = $"header line without a name: '{SipUri.Shorten(line)}'";
                return false;
            }
            string name = line[..colon].TrimEnd(' ', '\t');
            if (!SipSyntax.IsToken(name))
            {
                error = $"bad header name '{SipUri.Shorten(name)}'";
                return false;
            }
            result.Headers.Add(name, line[(colon + 1)..].Trim(' ', '\t'));
        }

        if (result.Headers.Get("Content-Length") is { } lengthText)
        {
            if (!int.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out int length))
            {
                error = $"bad Content-Length '{SipUri.Shorten(lengthText)}'";
                return false;
            }
            if (length > body.Length)
            {
                error = $"Content-Length {length} exceeds the {body.Length} bytes received";
                return false;
            }
            body = body[..length];
        }
        result.Body = body.ToArray();

        if (!Validate(result, out error)) return false;
        message = result;
        return true;
    }

    private static bool TryParseStartLine(string line, out SipMessage message, out string error)
    {
        message = null!;
        error = "";
        var parts = line.Split(' ', 3);
        if (line.StartsWith("SIP/", StringComparison.Ordinal))
        {
            if (parts.Length < 2 || parts[0] != "SIP/2.0" || parts[1].Length != 3
                || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int code) || code < 100 || code > 699)
            {
                error = $"bad status line '{SipUri.Shorten(line)}'";
                return false;
            }
            message = new SipResponse { StatusCode = code, ReasonPhrase = parts.Length > 2 ? parts[2] : "" };
            return true;
        }
        if (parts.Length != 3 || parts[2] != "SIP/2.0" || !SipSyntax.IsToken(parts[0]))
        {
            error = $"bad request line '{SipUri.Shorten(line)}'";
            return false;
        }
        if (!SipUri.TryParse(parts[1], out var uri, out error)) return false;
        message = new SipRequest { Method = parts[0], Uri = uri };
        return true;
    }

    private static bool Validate(SipMessage m, out string error)
    {
        error = "";
        foreach (var name in (string[])["Call-ID", "CSeq", "From", "To", "Via"])
        {
            if (!m.Headers.Contains(name))
            {
                error = $"missing {name}";
                return false;
            }
        }
        if (!SipCSeq.TryParse(m.Headers.Get("CSeq"), out var cseq, out error)) return false;
        if (m is SipRequest r && r.Method != cseq.Method && !(r.Method == "ACK" && cseq.Method == "ACK"))
        {
            error = $"CSeq method {cseq.Method} does not match {r.Method}";
            return false;
        }
        if (!SipNameAddress.TryParse(m.Headers.Get("From"), out _, out error)) return false;
        if (!SipNameAddress.TryParse(m.Headers.Get("To"), out _, out error)) return false;
        foreach (var via in m.Headers.GetValues("Via"))
            if (!SipVia.TryParse(via, out _, out error)) return false;
        if (m.Headers.GetValues("Via").Count == 0)
        {
            error = "empty Via";
            return false;
        }
        return true;
    }

    /// <summary>Index of the blank line ending the headers (CRLFCRLF, or a lenient LFLF).</summary>
    internal static int FindHeaderEnd(ReadOnlySpan<byte> data, out int separatorLength)
    {
        int crlf = data.IndexOf("\r\n\r\n"u8);
        int lf = data.IndexOf("\n\n"u8);
        if (crlf >= 0 && (lf < 0 || crlf < lf))
        {
            separatorLength = 4;
            return crlf;
        }
        separatorLength = 2;
        return lf;
    }

    /// <summary>Splits header lines and joins folded continuations (a line starting with SP/HT).</summary>
    private static List<string> Unfold(string head)
    {
        var lines = new List<string>();
        foreach (var raw in head.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            if (line.Length > 0 && line[0] is ' ' or '\t' && lines.Count > 1)
                lines[^1] = lines[^1].TrimEnd(' ', '\t') + " " + line.TrimStart(' ', '\t');
            else if (line.Length > 0)
                lines.Add(line);
        }
        return lines;
    }
}
