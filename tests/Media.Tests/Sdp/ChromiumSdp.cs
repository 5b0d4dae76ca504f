namespace Orchestrator.Media.Tests.Sdp;

/// <summary>SDP shaped like what current Chromium produces (written from the format, values invented).</summary>
internal static class ChromiumSdp
{
    public const string Offer =
        "v=0\r\n" +
        "o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n" +
        "s=-\r\n" +
        "t=0 0\r\n" +
        "a=group:BUNDLE 0\r\n" +
        "a=extmap-allow-mixed\r\n" +
        "a=msid-semantic: WMS 3d3f5a1c-4b7e-4f0e-9a43-5e0b7f2d6c11\r\n" +
        "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126\r\n" +
        "c=IN IP4 0.0.0.0\r\n" +
        "a=rtcp:9 IN IP4 0.0.0.0\r\n" +
        "a=candidate:1467250027 1 udp 2122260223 192.168.0.196 46243 typ host generation 0 network-id 1 network-cost 10\r\n" +
        "a=candidate:434153659 1 tcp 1518280447 192.168.0.196 9 typ host tcptype active generation 0 network-id 1 network-cost 10\r\n" +
        "a=candidate:842163049 1 udp 1686052607 203.0.113.7 46243 typ srflx raddr 192.168.0.196 rport 46243 generation 0 network-id 1 network-cost 10\r\n" +
        "a=ice-ufrag:Jz3F\r\n" +
        "a=ice-pwd:r9aS3h8Bb2Y/mu6VJP2sd6bA\r\n" +
        "a=ice-options:trickle\r\n" +
        "a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08\r\n" +
        "a=setup:actpass\r\n" +
        "a=mid:0\r\n" +
        "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n" +
        "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n" +
        "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\r\n" +
        "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r\n" +
        "a=sendrecv\r\n" +
        "a=msid:3d3f5a1c-4b7e-4f0e-9a43-5e0b7f2d6c11 8b0ba5b3-2f0c-4d6e-a1f3-0c5d9e8a7b66\r\n" +
        "a=rtcp-mux\r\n" +
        "a=rtpmap:111 opus/48000/2\r\n" +
        "a=rtcp-fb:111 transport-cc\r\n" +
        "a=fmtp:111 minptime=10;useinbandfec=1\r\n" +
        "a=rtpmap:63 red/48000/2\r\n" +
        "a=fmtp:63 111/111\r\n" +
        "a=rtpmap:9 G722/8000\r\n" +
        "a=rtpmap:0 PCMU/8000\r\n" +
        "a=rtpmap:8 PCMA/8000\r\n" +
        "a=rtpmap:13 CN/8000\r\n" +
        "a=rtpmap:110 telephone-event/48000\r\n" +
        "a=rtpmap:126 telephone-event/8000\r\n" +
        "a=ssrc:3570614608 cname:4TOk42mSjXCkVIa6\r\n" +
        "a=ssrc:3570614608 msid:3d3f5a1c-4b7e-4f0e-9a43-5e0b7f2d6c11 8b0ba5b3-2f0c-4d6e-a1f3-0c5d9e8a7b66\r\n";

    /// <summary>Chromium's answer to an ICE-lite server offer of opus, PCMU and telephone-event.</summary>
    public const string Answer =
        "v=0\r\n" +
        "o=- 6894385712318224823 2 IN IP4 127.0.0.1\r\n" +
        "s=-\r\n" +
        "t=0 0\r\n" +
        "a=group:BUNDLE 0\r\n" +
        "a=extmap-allow-mixed\r\n" +
        "a=msid-semantic: WMS 1b6b2c4d-0e9f-4a1b-8c7d-2e3f4a5b6c7d\r\n" +
        "m=audio 9 UDP/TLS/RTP/SAVPF 111 0 110 126\r\n" +
        "c=IN IP4 0.0.0.0\r\n" +
        "a=rtcp:9 IN IP4 0.0.0.0\r\n" +
        "a=ice-ufrag:kF9d\r\n" +
        "a=ice-pwd:Xs1vL3o8wK4c1W9f5Vn9aQ7e\r\n" +
        "a=ice-options:trickle\r\n" +
        "a=fingerprint:sha-256 0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9\r\n" +
        "a=setup:active\r\n" +
        "a=mid:0\r\n" +
        "a=sendrecv\r\n" +
        "a=msid:1b6b2c4d-0e9f-4a1b-8c7d-2e3f4a5b6c7d 5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f\r\n" +
        "a=rtcp-mux\r\n" +
        "a=rtpmap:111 opus/48000/2\r\n" +
        "a=fmtp:111 minptime=10;useinbandfec=1\r\n" +
        "a=rtpmap:0 PCMU/8000\r\n" +
        "a=rtpmap:110 telephone-event/48000\r\n" +
        "a=rtpmap:126 telephone-event/8000\r\n" +
        "a=ssrc:1943383364 cname:Yx7cZ0aB1cD2eF3g\r\n";
}
