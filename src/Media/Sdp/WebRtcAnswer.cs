using Orchestrator.Media.Ice;

namespace Orchestrator.Media.Sdp;

/// <summary>What the server needs from the browser's answer to run ICE, DTLS and RTP.</summary>
public sealed record WebRtcAnswer(
    string IceUfrag,
    string IcePwd,
    SdpFingerprint Fingerprint,
    SdpSetup Setup,
    string? Mid,
    SdpCodec Codec,
    int? TelephoneEventPayloadType,
    uint? RemoteSsrc,
    MediaDirection Direction,
    IReadOnlyList<IceCandidate> Candidates)
{
    /// <summary>Hash functions we can verify a DTLS certificate against (RFC 8122 names).</summary>
    public static readonly IReadOnlySet<string> SupportedFingerprintAlgorithms =
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "sha-1", "sha-256", "sha-384", "sha-512" };

    /// <summary>
    /// Reads an answer to <see cref="WebRtcOffer"/>: requires an accepted audio section, ICE
    /// credentials, a usable fingerprint, rtcp-mux, and a codec we offered; prefers the answer's order.
    /// </summary>
    public static bool TryRead(string sdp, out WebRtcAnswer answer, out string error)
    {
        answer = null!;
        if (!SdpParser.TryParse(sdp, out var description, out error))
        {
            error = $"answer is not valid SDP: {error}";
            return false;
        }
        return TryRead(description, out answer, out error);
    }

    public static WebRtcAnswer Read(string sdp) =>
        TryRead(sdp, out var answer, out var error) ? answer : throw new MediaParseException(error);

    public static bool TryRead(SessionDescription description, out WebRtcAnswer answer, out string error)
    {
        answer = null!;
        var audio = description.Media.FirstOrDefault(m => m.Media == "audio");
        if (audio is null)
        {
            error = "answer has no audio section";
            return false;
        }
        if (audio.Port == 0)
        {
            error = "answer rejected the audio section (port 0)";
            return false;
        }
        string? ufrag = audio.IceUfrag ?? description.IceUfrag;
        string? pwd = audio.IcePwd ?? description.IcePwd;
        if (string.IsNullOrEmpty(ufrag) || string.IsNullOrEmpty(pwd))
        {
            error = "answer has no ICE credentials (a=ice-ufrag and a=ice-pwd)";
            return false;
        }
        if (ufrag.Length < 4 || pwd.Length < 22)
        {
            error = "answer's ICE credentials are too short (ufrag ≥ 4, pwd ≥ 22 characters)";
            return false;
        }
        var fingerprint = audio.Fingerprint ?? description.Fingerprint;
        if (fingerprint is null)
        {
            error = "answer has no DTLS fingerprint (a=fingerprint)";
            return false;
        }
        if (!SupportedFingerprintAlgorithms.Contains(fingerprint.Algorithm) || fingerprint.TryGetBytes() is null)
        {
            error = $"answer's fingerprint '{fingerprint}' is not a supported hash with hex digest";
            return false;
        }
        // RFC 4145 §4.1: an absent setup means active.
        var setup = audio.Setup ?? description.Setup ?? SdpSetup.Active;
        if (setup != SdpSetup.Active)
        {
            error = $"answer has setup:{SdpNames.Write(setup)}, but the server is always the DTLS server (expects setup:active)";
            return false;
        }
        if (!audio.RtcpMux)
        {
            error = "answer does not accept rtcp-mux, which is required";
            return false;
        }
        SdpCodec? codec = null;
        foreach (var format in audio.Formats)
        {
            if (!int.TryParse(format, out int pt) || audio.GetRtpMap(pt) is not { } map) continue;
            bool opus = map.EncodingName.Equals("opus", StringComparison.OrdinalIgnoreCase) && map.ClockRate == 48000;
            bool pcmu = map.EncodingName.Equals("PCMU", StringComparison.OrdinalIgnoreCase) && map.ClockRate == 8000;
            if (opus || pcmu)
            {
                codec = new SdpCodec(map.EncodingName, pt, map.ClockRate, map.Channels ?? 1, audio.GetFmtp(pt));
                break;
            }
        }
        if (codec is null)
        {
            error = $"answer has no codec in common with the offer (opus/48000 or PCMU/8000); it lists {string.Join(' ', audio.Formats)}";
            return false;
        }
        // telephone-event must run at the chosen codec's clock rate to share its timestamps.
        int? dtmf = audio.RtpMaps.FirstOrDefault(r =>
            r.EncodingName.Equals("telephone-event", StringComparison.OrdinalIgnoreCase) && r.ClockRate == codec.ClockRate &&
            audio.Formats.Contains(r.PayloadType.ToString()))?.PayloadType;
        uint? ssrc = audio.Ssrcs.Count > 0 ? audio.Ssrcs[0].Ssrc : null;
        answer = new WebRtcAnswer(ufrag, pwd, fingerprint, setup, audio.Mid, codec, dtmf, ssrc, audio.Direction ?? MediaDirection.SendRecv, audio.Candidates);
        error = "";
        return true;
    }
}
