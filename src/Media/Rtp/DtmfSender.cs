namespace Orchestrator.Media.Rtp;

/// <summary>
/// Produces the RFC 4733 packet sequence for one digit on an existing stream: a first packet with
/// the marker bit, updates every 20 ms with growing duration, all at the event's start timestamp,
/// then the end packet sent three times for robustness (§2.5.1.4). Sequence numbers continue the
/// stream's audio sequence.
/// </summary>
public static class DtmfSender
{
    public const int EndRepeats = 3;

    public static IReadOnlyList<RtpPacket> CreatePackets(RtpPacketizer stream, byte eventPayloadType, char digit, int durationMs = 100, byte volume = 10)
    {
        if (!TelephoneEvent.TryGetEventCode(digit, out byte code))
            throw new ArgumentException($"'{digit}' is not a DTMF digit", nameof(digit));
        if (durationMs < 20) throw new ArgumentOutOfRangeException(nameof(durationMs), "at least one 20 ms packet");

        int step = stream.ClockRate / 50;
        int totalSamples = Math.Min(stream.ClockRate * durationMs / 1000, ushort.MaxValue);
        uint start = stream.Timestamp;
        var packets = new List<RtpPacket>();
        for (int duration = step; duration < totalSamples; duration += step)
            packets.Add(stream.Next(eventPayloadType, start, new TelephoneEvent(code, false, volume, (ushort)duration).ToArray(), packets.Count == 0));
        var end = new TelephoneEvent(code, true, volume, (ushort)totalSamples).ToArray();
        for (int i = 0; i < EndRepeats; i++)
            packets.Add(stream.Next(eventPayloadType, start, end, packets.Count == 0));
        // Audio resumes after the event with the clock moved on by its duration.
        stream.Skip(totalSamples);
        stream.StartTalkspurt();
        return packets;
    }
}
