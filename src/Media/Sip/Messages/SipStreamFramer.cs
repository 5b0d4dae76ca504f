using System.Globalization;
using System.Text;

namespace Orchestrator.Media.Sip.Messages;

/// <summary>
/// Cuts a TCP byte stream into messages (RFC 3261 §18.3): headers up to the blank line, then
/// exactly Content-Length bytes (0 when absent). CRLF keep-alives between messages are skipped.
/// Not thread-safe: one per connection.
/// </summary>
public sealed class SipStreamFramer
{
    private byte[] _buffer = new byte[8192];
    private int _count;

    public int Buffered => _count;

    public void Append(ReadOnlySpan<byte> data)
    {
        if (_count + data.Length > _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _count + data.Length));
        data.CopyTo(_buffer.AsSpan(_count));
        _count += data.Length;
    }

    /// <summary>
    /// Returns true with a message, or true with an error (the stream is then unusable and the
    /// connection should close), or false when more bytes are needed.
    /// </summary>
    public bool TryRead(out SipMessage? message, out string? error)
    {
        message = null;
        error = null;
        int skip = 0;
        while (skip < _count && _buffer[skip] is (byte)'\r' or (byte)'\n') skip++;
        Consume(skip);
        if (_count == 0) return false;
        var data = _buffer.AsSpan(0, _count);
        int headerEnd = SipParser.FindHeaderEnd(data, out int sep);
        if (headerEnd < 0)
        {
            if (_count > SipParser.MaxMessageBytes)
            {
                error = "headers exceed the maximum message size";
                return true;
            }
            return false;
        }
        int length = 0;
        string head = Encoding.UTF8.GetString(data[..headerEnd]);
        foreach (var raw in head.Split('\n'))
        {
            int colon = raw.IndexOf(':');
            if (colon <= 0) continue;
            string name = raw[..colon].Trim();
            if (SipHeaders.Normalize(name) != "Content-Length") continue;
            if (!int.TryParse(raw[(colon + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out length)
                || length > SipParser.MaxMessageBytes)
            {
                error = "bad Content-Length on a stream";
                return true;
            }
        }
        int total = headerEnd + sep + length;
        if (_count < total) return false;
        bool ok = SipParser.TryParse(data[..total], out var parsed, out var parseError);
        Consume(total);
        if (ok) message = parsed;
        else error = parseError;
        return true;
    }

    private void Consume(int n)
    {
        if (n == 0) return;
        Buffer.BlockCopy(_buffer, n, _buffer, 0, _count - n);
        _count -= n;
    }
}
