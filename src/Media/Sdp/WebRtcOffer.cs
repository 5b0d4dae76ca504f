using System.Net;
using System.Security.Cryptography;
using Orchestrator.Media.Ice;

namespace Orchestrator.Media.Sdp;

/// <summary>What the server puts in its WebRTC offer. The advertised address is the one the
/// browser must reach (a public or node address behind NAT/Kubernetes), not necessarily the bound one.</summary>
public sealed record WebRtcOfferOptions
{
    public required IceCredentials Ice { get; init; }
    public required SdpFingerprint Fingerprint { get; init; }
    public required IPAddress AdvertisedAddress { get; init; }
    public required int Port { get; init; }
    public required uint Ssrc { get; init; }
    public string Cname { get; init; } = "orchestrator";
    public string StreamId { get; init; } = "orchestrator";
    public string TrackId { get; init; } = "agent-audio";
    public ulong SessionId { get; init; } = (ulong)RandomNumberGenerator.GetInt32(1, int.MaxValue);
    /// <summary>Offer Opus only where libopus can be loaded, so an answer can never pick a codec we cannot run.</summary>
    public bool IncludeOpus { get; init; } = Codecs.Opus.OpusLibrary.IsAvailable;
    public int OpusPayloadType { get; init; } = 111;
    public int TelephoneEvent48kPayloadType { get; init; } = 110;
    public int TelephoneEvent8kPayloadType { get; init; } = 126;
}

/// <summary>Builds the server's offer: ICE-lite, one bundled audio section, DTLS actpass.</summary>
public static class WebRtcOffer
{
    public const string Mid = "0";
    public const string Profile = "UDP/TLS/RTP/SAVPF";

    public static SessionDescription Build(WebRtcOfferOptions o)
    {
        var media = new MediaDescription
        {
            Media = "audio",
            Port = o.Port,
            Protocol = Profile,
            Connection = SdpConnection.For(o.AdvertisedAddress),
            IceUfrag = o.Ice.Ufrag,
            IcePwd = o.Ice.Password,
            Fingerprint = o.Fingerprint,
            Setup = SdpSetup.ActPass,
            Mid = Mid,
            Direction = MediaDirection.SendRecv,
            RtcpMux = true,
            Msid = $"{o.StreamId} {o.TrackId}",
            Ptime = 20,
            Ssrcs =
            [
                new SdpSsrc(o.Ssrc, "cname", o.Cname),
                new SdpSsrc(o.Ssrc, "msid", $"{o.StreamId} {o.TrackId}"),
            ],
            Candidates = [IceCandidate.Host("1", o.AdvertisedAddress.ToString(), o.Port)],
            EndOfCandidates = true,
        };
        if (o.IncludeOpus)
        {
            media.Formats.Add(o.OpusPayloadType.ToString());
            media.RtpMaps.Add(new SdpRtpMap(o.OpusPayloadType, "opus", 48000, 2));
            media.Fmtps.Add(new SdpFmtp(o.OpusPayloadType, "minptime=10;useinbandfec=1"));
        }
        media.Formats.Add("0");
        media.RtpMaps.Add(new SdpRtpMap(0, "PCMU", 8000));
        if (o.IncludeOpus)
        {
            media.Formats.Add(o.TelephoneEvent48kPayloadType.ToString());
            media.RtpMaps.Add(new SdpRtpMap(o.TelephoneEvent48kPayloadType, "telephone-event", 48000));
            media.Fmtps.Add(new SdpFmtp(o.TelephoneEvent48kPayloadType, "0-15"));
        }
        media.Formats.Add(o.TelephoneEvent8kPayloadType.ToString());
        media.RtpMaps.Add(new SdpRtpMap(o.TelephoneEvent8kPayloadType, "telephone-event", 8000));
        media.Fmtps.Add(new SdpFmtp(o.TelephoneEvent8kPayloadType, "0-15"));

        return new SessionDescription
        {
            Origin = new SdpOrigin("-", o.SessionId, 2, "IN", "IP4", "127.0.0.1"),
            SessionName = "-",
            Groups = [new SdpGroup("BUNDLE", [Mid])],
            IceLite = true,
            MsidSemantic = $" WMS {o.StreamId}",
            Media = [media],
        };
    }
}
