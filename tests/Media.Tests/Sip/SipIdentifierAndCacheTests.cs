using Orchestrator.Media.Sip.Messages;

namespace Orchestrator.Media.Tests.Sip;

public sealed class SipIdentifierAndCacheTests
{
    [Fact]
    public void Identifiers_have_their_shape_and_do_not_repeat_across_threads()
    {
        var all = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 4, _ =>
        {
            for (int i = 0; i < 3000; i++)
            {
                all.Add(SipIdentifiers.NewTag());
                all.Add(SipIdentifiers.NewBranch());
                all.Add(SipIdentifiers.NewCallId("10.0.0.1"));
            }
        });
        Assert.Equal(36000, all.Count);
        Assert.Equal(all.Count, all.Distinct().Count());
        var tag = SipIdentifiers.NewTag();
        Assert.Matches("^[0-9a-f]{16}$", tag);
        Assert.Matches("^z9hG4bK[0-9a-f]{20}$", SipIdentifiers.NewBranch());
        Assert.Matches("^[0-9a-f]{24}@10\\.0\\.0\\.1$", SipIdentifiers.NewCallId("10.0.0.1"));
        Assert.Equal(SipVia.MagicCookie, SipVia.NewBranch()[..7]);
    }

    private static SipMessage Invite() => SipParser.Parse(System.Text.Encoding.UTF8.GetBytes(
        "INVITE sip:bob@10.0.0.2 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKaaa, SIP/2.0/UDP 10.0.0.9;branch=z9hG4bKbbb\r\n" +
         "From: <sip:alice@10.0.0.1>;tag=from1\r\nTo: <sip:bob@10.0.0.2>\r\nCall-ID: c1@x\r\nCSeq: 7 INVITE\r\n" +
         "Contact: \"A, B\" <sip:alice@10.0.0.1:5062>\r\nContent-Type: Application/SDP; charset=utf-8\r\nContent-Length: 3\r\n\r\nv=0"));

    [Fact]
    public void Parsed_headers_are_parsed_once_and_shared_until_the_headers_change()
    {
        var m = Invite();
        Assert.Same(m.TopVia, m.TopVia);
        Assert.Same(m.To, m.To);
        Assert.Same(m.From, m.From);
        Assert.Same(m.Contact, m.Contact);
        Assert.Equal("z9hG4bKaaa", m.TopVia.Branch);
        Assert.Equal(5062, m.Contact!.Uri.Port);
        Assert.Equal("A, B", m.Contact.DisplayName);
        Assert.Equal(new SipCSeq(7, "INVITE"), m.CSeq);
        Assert.True(m.HasSdp);

        var before = m.TopVia;
        m.Headers.Insert(0, "Via", "SIP/2.0/TCP 10.0.0.7:5070;branch=z9hG4bKnew");
        Assert.NotSame(before, m.TopVia);
        Assert.Equal("z9hG4bKnew", m.TopVia.Branch);
        m.Headers.Set("To", "<sip:bob@10.0.0.2>;tag=to2");
        Assert.Equal("to2", m.To.Tag);
        m.Headers.Set("CSeq", "8 INVITE");
        Assert.Equal(8u, m.CSeq.Number);
        m.Headers.Remove("Contact");
        Assert.Null(m.Contact);
        m.Headers.Set("Content-Type", "text/plain");
        Assert.False(m.HasSdp);
    }

    [Fact]
    public void A_malformed_header_still_throws_each_time_it_is_read()
    {
        var m = Invite();
        m.Headers.Set("CSeq", "seven INVITE");
        Assert.Throws<SipParseException>(() => m.CSeq);
        Assert.Throws<SipParseException>(() => m.CSeq);
        m.Headers.Set("CSeq", "9 BYE");
        Assert.Equal(new SipCSeq(9, "BYE"), m.CSeq);
    }
}
