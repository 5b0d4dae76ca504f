using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Orchestrator.Media.Ice;
using Orchestrator.Media.Sdp;

namespace Orchestrator.Media.Tests.Sdp;

public class SdpPropertyTests
{
    private static readonly Gen<string> Token =
        from length in Gen.Choose(1, 12)
        from chars in Gen.ArrayOf(Gen.Elements("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/-_.".ToCharArray()), length)
        select new string(chars);

    private static readonly Gen<string> Hex32 =
        from bytes in Gen.ArrayOf(Gen.Choose(0, 255), 32)
        select string.Join(':', bytes.Select(b => b.ToString("X2")));

    private static Gen<T[]> Between<T>(Gen<T> gen, int min, int max) =>
        from n in Gen.Choose(min, max)
        from items in Gen.ArrayOf(gen, n)
        select items;

    private static Gen<T?> Maybe<T>(Gen<T> gen) where T : class => Gen.OneOf(Gen.Constant<T?>(null), gen.Select(v => (T?)v));

    private static Gen<T?> MaybeValue<T>(Gen<T> gen) where T : struct => Gen.OneOf(Gen.Constant<T?>(null), gen.Select(v => (T?)v));

    private static readonly Gen<IceCandidate> Candidate =
        from foundation in Token
        from component in Gen.Choose(1, 2)
        from priority in Gen.Choose(0, int.MaxValue)
        from port in Gen.Choose(0, 65535)
        from type in Gen.Elements("host", "srflx", "relay")
        from related in Gen.Elements(true, false)
        from extensions in Between(Gen.Zip(Token, Token), 0, 2)
        select new IceCandidate(foundation, component, "udp", (uint)priority, "10.1.2.3", port, type,
            related ? "192.168.1.1" : null, related ? port : null,
            extensions.Where(e => e.Item1 is not "raddr" and not "rport").Select(e => new KeyValuePair<string, string>(e.Item1, e.Item2)).ToList());

    private static readonly Gen<MediaDescription> Media =
        from port in Gen.Choose(0, 65535)
        from proto in Gen.Elements("RTP/AVP", "UDP/TLS/RTP/SAVPF")
        from pts in Between(Gen.Choose(0, 127), 1, 5)
        from names in Gen.ArrayOf(Gen.Elements("opus", "PCMU", "PCMA", "telephone-event"), 5)
        from clock in Gen.Elements(8000, 48000)
        from ufrag in Maybe(Token)
        from pwd in Maybe(Token)
        from fp in Maybe(Hex32.Select(v => new SdpFingerprint("sha-256", v)))
        from setup in MaybeValue(Gen.Elements(SdpSetup.ActPass, SdpSetup.Active, SdpSetup.Passive))
        from mid in Maybe(Token)
        from direction in MaybeValue(Gen.Elements(MediaDirection.SendRecv, MediaDirection.SendOnly, MediaDirection.RecvOnly, MediaDirection.Inactive))
        from mux in Gen.Elements(true, false)
        from ptime in MaybeValue(Gen.Choose(10, 120))
        from ssrc in Gen.Choose(0, int.MaxValue)
        from cname in Token
        from candidates in Between(Candidate, 0, 3)
        from extra in Between(Token, 0, 2)
        select new MediaDescription
        {
            Port = port,
            Protocol = proto,
            Formats = pts.Distinct().Select(p => p.ToString()).ToList(),
            Connection = new SdpConnection("IN", "IP4", "203.0.113.9"),
            RtpMaps = pts.Distinct().Select((p, i) => new SdpRtpMap(p, names[i], clock, names[i] == "opus" ? 2 : null)).ToList(),
            Fmtps = pts.Distinct().Take(1).Select(p => new SdpFmtp(p, "0-15")).ToList(),
            IceUfrag = ufrag,
            IcePwd = pwd,
            Fingerprint = fp,
            Setup = setup,
            Mid = mid,
            Direction = direction,
            RtcpMux = mux,
            Msid = mid is null ? null : $"{cname} {mid}",
            Ptime = ptime,
            Ssrcs = [new SdpSsrc((uint)ssrc, "cname", cname)],
            Candidates = candidates.ToList(),
            EndOfCandidates = candidates.Length > 0,
            Attributes = extra.Select(e => new SdpAttribute("x-" + e, e)).ToList(),
        };

    private static readonly Gen<SessionDescription> Session =
        from id in Gen.Choose(0, int.MaxValue)
        from lite in Gen.Elements(true, false)
        from media in Between(Media, 1, 3)
        from fp in Maybe(Hex32.Select(v => new SdpFingerprint("sha-256", v)))
        select new SessionDescription
        {
            Origin = new SdpOrigin("-", (ulong)id, 2, "IN", "IP4", "127.0.0.1"),
            IceLite = lite,
            Fingerprint = fp,
            MsidSemantic = " WMS",
            Groups = [new SdpGroup("BUNDLE", media.Select(m => m.Mid).OfType<string>().ToList())],
            Media = media.ToList(),
        };

    [Property(MaxTest = 200)]
    public Property Write_then_parse_round_trips() => Prop.ForAll(Arb.From(Session), original =>
    {
        var text = original.ToString();
        var parsed = SdpParser.Parse(text);
        Assert.Equal(text, parsed.ToString());
        Assert.Equal(original.IceLite, parsed.IceLite);
        Assert.Equal(original.Fingerprint, parsed.Fingerprint);
        Assert.Equal(original.Groups, parsed.Groups);
        Assert.Equal(original.Media.Count, parsed.Media.Count);
        for (int i = 0; i < original.Media.Count; i++)
        {
            var (a, b) = (original.Media[i], parsed.Media[i]);
            Assert.Equal(a.Port, b.Port);
            Assert.Equal(a.Formats, b.Formats);
            Assert.Equal(a.RtpMaps, b.RtpMaps);
            Assert.Equal(a.Fmtps, b.Fmtps);
            Assert.Equal((a.IceUfrag, a.IcePwd, a.Fingerprint, a.Setup, a.Mid, a.Direction, a.RtcpMux, a.Msid, a.Ptime),
                (b.IceUfrag, b.IcePwd, b.Fingerprint, b.Setup, b.Mid, b.Direction, b.RtcpMux, b.Msid, b.Ptime));
            Assert.Equal(a.Ssrcs, b.Ssrcs);
            Assert.Equal(a.Candidates, b.Candidates);
            Assert.Equal(a.Attributes, b.Attributes);
        }
    });
}
