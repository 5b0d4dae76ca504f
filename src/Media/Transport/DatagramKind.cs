namespace Orchestrator.Media.Transport;

/// <summary>What a datagram on a shared WebRTC port is, by RFC 7983 first-byte ranges.</summary>
public enum DatagramKind { Unknown, Stun, Dtls, Rtp, Rtcp }
