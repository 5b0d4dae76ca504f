namespace Orchestrator.Media.Rtp;

/// <summary>
/// Detects DTMF digits from RFC 4733 packets. A digit is reported once per event even though the
/// sender repeats packets while the key is held, sends three end packets, and may retransmit:
/// the event is identified by its RTP timestamp (fixed for the whole event, §2.5.1.1) and code.
/// </summary>
public sealed class DtmfReceiver(byte payloadType)
{
    private uint? _lastTimestamp;
    private byte _lastEvent;

    public byte PayloadType { get; } = payloadType;

    /// <summary>Returns the digit when this packet starts a new event; null for anything else.</summary>
    public char? Process(RtpPacket packet)
    {
        if (packet.PayloadType != PayloadType) return null;
        if (!TelephoneEvent.TryParse(packet.Payload, out var ev, out _)) return null;
        if (_lastTimestamp == packet.Timestamp && _lastEvent == ev.Event) return null;
        _lastTimestamp = packet.Timestamp;
        _lastEvent = ev.Event;
        return TelephoneEvent.DigitFor(ev.Event);
    }
}
