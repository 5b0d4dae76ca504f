using System.Globalization;
using System.Net;

namespace Orchestrator.Media.Sdp;

/// <summary>The outcome of a plain RTP/AVP negotiation: where to send, which codec, DTMF payload type.</summary>
/// <param name="Direction">The peer's direction, from its side: sendonly means it holds the call (RFC 3264 §8.4).</param>
/// <param name="RtcpMux">The peer multiplexes RTCP on its RTP port (RFC 5761 <c>a=rtcp-mux</c>).</param>
/// <param name="RtcpEndPoint">The peer's RFC 3605 <c>a=rtcp</c> address, when it is not the RTP port + 1.</param>
public sealed record RtpAvpNegotiation(IPEndPoint Remote, SdpCodec Codec, int? TelephoneEventPayloadType, MediaDirection Direction,
    bool RtcpMux = false, IPEndPoint? RtcpEndPoint = null)
{
    /// <summary>Whether the peer wants our media: not while it holds the call (sendonly) or is inactive.</summary>
    public bool PeerReceives => Direction is MediaDirection.SendRecv or MediaDirection.RecvOnly;

    /// <summary>Where the peer reads RTCP: its RTP port when muxing, else <c>a=rtcp</c>, else the RTP port + 1 (RFC 3550 §11).</summary>
    public IPEndPoint RemoteRtcp => RtcpMux ? Remote : RtcpEndPoint ?? new IPEndPoint(Remote.Address, Math.Min(Remote.Port + 1, IPEndPoint.MaxPort));
}

/// <summary>
/// Offer/answer for SIP peers: plain RTP/AVP with PCMU, PCMA and telephone-event/8000, as SIPp and
/// most PBXes expect. Our offers are sendrecv; an answer mirrors the offer's direction (RFC 3264 §6.1),
/// so a hold (sendonly) is answered recvonly and an inactive offer inactive. Our offers do not
/// propose rtcp-mux; an offer that does is answered with it (RFC 5761 §5.1.1), since the session
/// reads RTCP on either port.
/// </summary>
public static class SipSdp
{
    public const int DefaultTelephoneEventPayloadType = 101;

    public static SessionDescription BuildOffer(IPAddress address, int port, ulong sessionId, ulong sessionVersion = 1) =>
        Build(address, port, sessionId, sessionVersion,
            [new SdpRtpMap(0, "PCMU", 8000), new SdpRtpMap(8, "PCMA", 8000), new SdpRtpMap(DefaultTelephoneEventPayloadType, "telephone-event", 8000)],
            MediaDirection.SendRecv);

    /// <summary>Answers a SIP offer with the first of PCMU/PCMA it lists, plus its telephone-event if any.</summary>
    public static bool TryBuildAnswer(SessionDescription offer, IPAddress address, int port, ulong sessionId,
        out SessionDescription answer, out RtpAvpNegotiation negotiation, out string error)
    {
        answer = null!;
        if (!TryNegotiate(offer, out negotiation, out error)) return false;
        var maps = new List<SdpRtpMap> { new(negotiation.Codec.PayloadType, negotiation.Codec.Name, 8000) };
        if (negotiation.TelephoneEventPayloadType is int te) maps.Add(new SdpRtpMap(te, "telephone-event", 8000));
        answer = Build(address, port, sessionId, 1, maps, AnswerDirection(negotiation.Direction));
        answer.Media[0].RtcpMux = negotiation.RtcpMux;
        return true;
    }

    /// <summary>The direction an answer gives to an offer's (RFC 3264 §6.1): the mirror image.</summary>
    public static MediaDirection AnswerDirection(MediaDirection offered) => offered switch
    {
        MediaDirection.SendOnly => MediaDirection.RecvOnly,
        MediaDirection.RecvOnly => MediaDirection.SendOnly,
        MediaDirection.Inactive => MediaDirection.Inactive,
        _ => MediaDirection.SendRecv,
    };

    /// <summary>Reads the peer's answer to <see cref="BuildOffer"/>.</summary>
    public static bool TryReadAnswer(SessionDescription answer, out RtpAvpNegotiation negotiation, out string error) =>
        TryNegotiate(answer, out negotiation, out error);

    private static bool TryNegotiate(SessionDescription sdp, out RtpAvpNegotiation negotiation, out string error)
    {
        negotiation = null!;
        var audio = sdp.Media.FirstOrDefault(m => m.Media == "audio" && m.Port != 0);
        if (audio is null)
        {
            error = "SDP has no accepted audio section";
            return false;
        }
        if (audio.Protocol != "RTP/AVP")
        {
            error = $"audio profile {audio.Protocol} is not RTP/AVP";
            return false;
        }
        var connection = audio.Connection ?? sdp.Connection;
        if (connection is null || !IPAddress.TryParse(connection.Address.Split('/')[0], out var address))
        {
            error = "SDP has no usable c= address for the audio";
            return false;
        }
        SdpCodec? codec = null;
        int? dtmf = null;
        foreach (var format in audio.Formats)
        {
            if (!int.TryParse(format, NumberStyles.None, CultureInfo.InvariantCulture, out int pt) || audio.GetRtpMap(pt) is not { } map || map.ClockRate != 8000)
                continue;
            if (codec is null && (map.EncodingName.Equals("PCMU", StringComparison.OrdinalIgnoreCase) || map.EncodingName.Equals("PCMA", StringComparison.OrdinalIgnoreCase)))
                codec = new SdpCodec(map.EncodingName.ToUpperInvariant(), pt, 8000, 1);
            else if (dtmf is null && map.EncodingName.Equals("telephone-event", StringComparison.OrdinalIgnoreCase))
                dtmf = pt;
        }
        if (codec is null)
        {
            error = $"no common codec: PCMU or PCMA needed, SDP lists {string.Join(' ', audio.Formats)}";
            return false;
        }
        var direction = audio.Direction ?? sdp.Attributes.Select(a => a.Value is null ? SdpNames.ReadDirection(a.Name) : null).FirstOrDefault(d => d is not null) ?? MediaDirection.SendRecv;
        var rtcp = audio.GetAttributes("rtcp").Select(a => ReadRtcpAttribute(a.Value, address)).FirstOrDefault(e => e is not null);
        negotiation = new RtpAvpNegotiation(new IPEndPoint(address, audio.Port), codec, dtmf, direction, audio.RtcpMux, rtcp);
        error = "";
        return true;
    }

    /// <summary>RFC 3605: <c>a=rtcp:&lt;port&gt; [IN IP4|IP6 &lt;address&gt;]</c>; the address defaults to the media's. Null if unreadable.</summary>
    private static IPEndPoint? ReadRtcpAttribute(string? value, IPAddress mediaAddress)
    {
        var parts = (value ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is 0 or > IPEndPoint.MaxPort)
            return null;
        var address = mediaAddress;
        if (parts.Length >= 4 && parts[1] == "IN" && IPAddress.TryParse(parts[3], out var explicitAddress)) address = explicitAddress;
        return new IPEndPoint(address, port);
    }

    private static SessionDescription Build(IPAddress address, int port, ulong sessionId, ulong version, List<SdpRtpMap> maps, MediaDirection direction)
    {
        var connection = SdpConnection.For(address);
        var media = new MediaDescription
        {
            Media = "audio",
            Port = port,
            Protocol = "RTP/AVP",
            Formats = maps.Select(m => m.PayloadType.ToString(CultureInfo.InvariantCulture)).ToList(),
            Connection = connection,
            RtpMaps = maps,
            Fmtps = maps.Where(m => m.EncodingName == "telephone-event").Select(m => new SdpFmtp(m.PayloadType, "0-16")).ToList(),
            Ptime = 20,
            Direction = direction,
        };
        return new SessionDescription
        {
            Origin = new SdpOrigin("-", sessionId, version, connection.NetworkType, connection.AddressType, connection.Address),
            SessionName = "-",
            Connection = connection,
            Media = [media],
        };
    }
}
