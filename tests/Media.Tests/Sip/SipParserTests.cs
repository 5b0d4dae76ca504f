using System.Text;
using Orchestrator.Media.Sip.Messages;

namespace Orchestrator.Media.Tests.Sip;

public class SipParserTests
{
    private const string Invite =
        "INVITE sip:bob@biloxi.example.com;transport=udp?subject=hi SIP/2.0\r\n" +
        "v: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds;rport, SIP/2.0/TCP 10.0.0.1:5070 ;branch=z9hG4bKx\r\n" +
        "Via: SIP/2.0/UDP [2001:db8::1]:5062;branch=z9hG4bKv6;received=192.0.2.1\r\n" +
        "Max-Forwards: 70\r\n" +
        "t: Bob <sip:bob@biloxi.example.com>\r\n" +
        "f: \"Alice \\\"A\\\" Liddell\" <sip:alice@atlanta.example.com>;tag=1928301774\r\n" +
        "i: a84b4c76e66710@pc33.atlanta.example.com\r\n" +
        "CSeq: 314159 INVITE\r\n" +
        "m: <sip:alice@pc33.atlanta.example.com>\r\n" +
        "Subject: a folded\r\n   subject line\r\n" +
        "Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\r\n" +
        "Route: <sip:p3.example.com;lr>\r\n" +
        "c: application/sdp\r\n" +
        "l: 4\r\n\r\n" +
        "v=0\r\nEXTRA";

    [Fact]
    public void Parses_compact_folded_multi_valued_headers_and_the_body_by_length()
    {
        var request = Assert.IsType<SipRequest>(SipParser.Parse(Encoding.UTF8.GetBytes(Invite)));
        Assert.Equal("INVITE", request.Method);
        Assert.Equal("bob", request.Uri.User);
        Assert.Equal("udp", request.Uri.Transport);
        Assert.Equal("subject", request.Uri.Headers[0].Key);
        Assert.Equal("a84b4c76e66710@pc33.atlanta.example.com", request.CallId);
        Assert.Equal(new SipCSeq(314159, "INVITE"), request.CSeq);
        Assert.Equal("Alice \"A\" Liddell", request.From.DisplayName);
        Assert.Equal("1928301774", request.From.Tag);
        Assert.Null(request.To.Tag);
        Assert.Equal("a folded subject line", request.Headers.Get("s"));
        var vias = request.Vias;
        Assert.Equal(3, vias.Count);
        Assert.Equal("z9hG4bK776asdhds", vias[0].Branch);
        Assert.True(vias[0].Parameters.Contains("rport"));
        Assert.Null(vias[0].RPort);
        Assert.Equal(("TCP", 5070), (vias[1].Transport, vias[1].Port));
        Assert.Equal("[2001:db8::1]", vias[2].Host);
        Assert.Equal("192.0.2.1", vias[2].Received);
        Assert.Equal(3, request.Headers.GetValues("Route").Count);
        Assert.True(SipNameAddress.Parse(request.Headers.GetValues("Route")[1]).Uri.LooseRouting);
        Assert.Equal("v=0\r", Encoding.UTF8.GetString(request.Body)[..4]);
        Assert.Equal(4, request.Body.Length);
    }

    [Fact]
    public void Writes_what_it_parses()
    {
        var first = SipParser.Parse(Encoding.UTF8.GetBytes(Invite));
        var second = SipParser.Parse(first.ToBytes());
        Assert.Equal(first.ToString(), second.ToString());
        Assert.Contains("Content-Length: 4\r\n", second.ToString());
        Assert.Contains("Via: SIP/2.0/UDP pc33", second.ToString());
    }

    [Fact]
    public void Parses_a_response_with_addr_spec_and_rport_value()
    {
        var text = "SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKa;rport=5099;received=10.1.1.1\r\n" +
            "From: sip:a@b;tag=x\r\nTo: <sip:c@d>;tag=y\r\nCall-ID: 1\r\nCSeq: 2 INVITE\r\n\r\n";
        var response = Assert.IsType<SipResponse>(SipParser.Parse(Encoding.UTF8.GetBytes(text)));
        Assert.Equal(180, response.StatusCode);
        Assert.Equal("Ringing", response.ReasonPhrase);
        Assert.Equal(5099, response.TopVia.RPort);
        Assert.Equal("x", response.From.Tag);
        Assert.False(response.From.Uri.Parameters.Contains("tag"));
        Assert.Empty(response.Body);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("INVITE sip:a@b SIP/2.0\r\nCall-ID: 1\r\n", "empty line")]
    [InlineData("SIP/2.0 99 Low\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>\r\nTo: <sip:a@b>\r\nCall-ID: 1\r\nCSeq: 1 INVITE\r\n\r\n", "status line")]
    [InlineData("INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>\r\nTo: <sip:a@b>\r\nCSeq: 1 INVITE\r\n\r\n", "missing Call-ID")]
    [InlineData("INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>\r\nTo: <sip:a@b>\r\nCall-ID: 1\r\nCSeq: 1 BYE\r\n\r\n", "does not match")]
    [InlineData("INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>\r\nTo: <sip:a@b>\r\nCall-ID: 1\r\nCSeq: 1 INVITE\r\nContent-Length: 10\r\n\r\nabc", "exceeds")]
    [InlineData("INVITE sip:a@b SIP/2.0\r\nVia: HTTP/1.1/UDP h\r\nFrom: <sip:a@b>\r\nTo: <sip:a@b>\r\nCall-ID: 1\r\nCSeq: 1 INVITE\r\n\r\n", "Via")]
    [InlineData("INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: \"unterminated <sip:a@b>\r\nTo: <sip:a@b>\r\nCall-ID: 1\r\nCSeq: 1 INVITE\r\n\r\n", "display")]
    [InlineData("INVITE nouri SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>\r\nTo: <sip:a@b>\r\nCall-ID: 1\r\nCSeq: 1 INVITE\r\n\r\n", "scheme")]
    public void Rejects_bad_input_with_a_clear_reason(string text, string expected)
    {
        Assert.False(SipParser.TryParse(Encoding.UTF8.GetBytes(text), out _, out var error));
        Assert.Contains(expected, error, StringComparison.OrdinalIgnoreCase);
        var ex = Assert.Throws<SipParseException>(() => SipParser.Parse(Encoding.UTF8.GetBytes(text)));
        Assert.Contains(expected, ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Stream_framer_cuts_messages_by_content_length_across_chunks()
    {
        var one = SipParser.Parse(Encoding.UTF8.GetBytes(Invite)).ToBytes();
        var stream = new byte[][] { "\r\n\r\n"u8.ToArray(), one, one }.SelectMany(b => b).ToArray();
        var framer = new SipStreamFramer();
        var messages = new List<SipMessage>();
        for (int i = 0; i < stream.Length; i += 7)
        {
            framer.Append(stream.AsSpan(i, Math.Min(7, stream.Length - i)));
            while (framer.TryRead(out var message, out var error))
            {
                Assert.Null(error);
                messages.Add(message!);
            }
        }
        Assert.Equal(2, messages.Count);
        Assert.All(messages, m => Assert.Equal(4, m.Body.Length));
        Assert.Equal(0, framer.Buffered);
    }

    [Fact]
    public void Uri_round_trips_user_password_ipv6_params_and_headers()
    {
        foreach (var text in new[] { "sip:alice:pw@[2001:db8::1]:5070;transport=tcp;lr?Subject=x&Priority=urgent", "sips:host", "tel:+15551234567" })
            Assert.Equal(text, SipUri.Parse(text).ToString());
        Assert.Equal(5061, SipUri.Parse("sips:h").PortOrDefault);
        Assert.False(SipUri.TryParse("sip:@", out _, out _));
        Assert.False(SipUri.TryParse("sip:a@b:99999", out _, out _));
    }

    [Fact]
    public void Comma_lists_respect_quotes_and_angle_brackets()
    {
        var parts = SipSyntax.SplitList("\"Smith, J\" <sip:a@b;x=1,2>, <sip:c@d>,sip:e@f");
        Assert.Equal(["\"Smith, J\" <sip:a@b;x=1,2>", "<sip:c@d>", "sip:e@f"], parts);
    }
}
