using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Orchestrator.Media.Sip.Messages;

namespace Orchestrator.Media.Tests.Sip;

public class SipParserPropertyTests
{
    private static readonly byte[] Sample = Encoding.UTF8.GetBytes(
        "INVITE sip:bob@h;lr SIP/2.0\r\nv: SIP/2.0/UDP a:1;branch=z9hG4bK1;rport\r\nf: \"A\\\"\" <sip:a@b>;tag=1\r\nt: sip:b@c\r\n" +
        "i: x@y\r\nCSeq: 1 INVITE\r\nRoute: <sip:p;lr>, <sip:q;lr>\r\nSubject: fold\r\n  ed\r\nl: 3\r\n\r\nabc");

    private static readonly Gen<string> Token =
        from n in Gen.Choose(1, 10)
        from chars in Gen.ArrayOf(Gen.Elements("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~".ToCharArray()), n)
        select new string(chars);

    private static readonly Gen<string> Host =
        from n in Gen.Choose(1, 10)
        from chars in Gen.ArrayOf(Gen.Elements("abcdefghijklmnopqrstuvwxyz0123456789-.".ToCharArray()), n)
        select new string(chars);

    private static readonly Gen<string> Text =
        from n in Gen.Choose(0, 20)
        from chars in Gen.ArrayOf(Gen.Elements("abc XYZ 09\"\\,;:<>@=é".ToCharArray()), n)
        select new string(chars);

    private static readonly Gen<SipMessage> Messages =
        from isRequest in Gen.Elements(true, false)
        from method in Token
        from code in Gen.Choose(100, 699)
        from user in Token
        from host in Host
        from display in Text
        from tag in Token
        from callId in Token
        from cseq in Gen.Choose(0, int.MaxValue)
        from extraNames in Gen.ArrayOf(Token, 3)
        from extraValues in Gen.ArrayOf(Text, 3)
        from bodyLength in Gen.Choose(0, 40)
        from bodyBytes in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), bodyLength)
        select Build(isRequest, method, code, user, host, display, tag, callId, (uint)cseq, extraNames, extraValues, bodyBytes);

    private static SipMessage Build(bool isRequest, string method, int code, string user, string host, string display, string tag,
        string callId, uint cseq, string[] names, string[] values, byte[] body)
    {
        SipMessage m = isRequest
            ? new SipRequest { Method = method, Uri = new SipUri { User = user, Host = host } }
            : new SipResponse { StatusCode = code, ReasonPhrase = display.Trim() };
        m.Headers.Add("Via", $"SIP/2.0/UDP {host}:5060;branch=z9hG4bK{tag};rport");
        m.Headers.Add("From", new SipNameAddress(new SipUri { User = user, Host = host }, display.Trim().Length == 0 ? null : display) { Parameters = Tagged(tag) }.ToString());
        m.Headers.Add("To", $"<sip:{host}>");
        m.Headers.Add("Call-ID", callId);
        m.Headers.Add("CSeq", $"{cseq % (1u << 31)} {(isRequest ? method : "INVITE")}");
        for (int i = 0; i < names.Length; i++) m.Headers.Add("X-" + names[i], values[i].Trim().Length == 0 ? "v" : values[i].Trim());
        m.Body = body;
        return m;
    }

    private static SipParameters Tagged(string tag)
    {
        var p = new SipParameters();
        p.Set("tag", tag);
        return p;
    }

    [Property(MaxTest = 500)]
    public bool Random_bytes_never_throw_anything_but_the_parse_error(byte[] data)
    {
        try
        {
            SipParser.TryParse(data, out _, out _);
            SipParser.Parse(data);
        }
        catch (SipParseException)
        {
        }
        var framer = new SipStreamFramer();
        framer.Append(data);
        framer.TryRead(out _, out _);
        return true;
    }

    [Property(MaxTest = 500)]
    public bool Mutated_messages_never_throw_anything_but_the_parse_error(int seed)
    {
        var random = new Random(seed);
        var data = (byte[])Sample.Clone();
        int edits = random.Next(1, 6);
        for (int i = 0; i < edits; i++) data[random.Next(data.Length)] = (byte)random.Next(256);
        var cut = data.AsSpan(0, random.Next(data.Length + 1)).ToArray();
        foreach (var input in new[] { data, cut })
        {
            if (SipParser.TryParse(input, out var message, out _))
            {
                // Typed accessors on a message that parsed must work or throw the parse error only.
                try
                {
                    _ = message.CSeq;
                    _ = message.From;
                    _ = message.To;
                    _ = message.Vias;
                    _ = message.Contact;
                    _ = message.RecordRoutes;
                    _ = message.ToBytes();
                }
                catch (SipParseException)
                {
                }
            }
        }
        return true;
    }

    [Property(MaxTest = 300)]
    public Property Written_messages_parse_back_to_the_same_message() =>
        Prop.ForAll(Messages.ToArbitrary(), message =>
        {
            var parsed = SipParser.Parse(message.ToBytes());
            return parsed.StartLine == message.StartLine
                && parsed.Body.AsSpan().SequenceEqual(message.Body)
                && parsed.Headers.Items.Where(h => h.Key != "Content-Length").SequenceEqual(message.Headers.Items)
                && parsed.From.Tag == message.From.Tag
                && parsed.From.DisplayName == message.From.DisplayName;
        });
}
