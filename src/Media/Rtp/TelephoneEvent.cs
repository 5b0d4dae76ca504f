using System.Buffers.Binary;

namespace Orchestrator.Media.Rtp;

/// <summary>The 4-byte RFC 4733 §2.3 telephone-event payload.</summary>
public readonly record struct TelephoneEvent(byte Event, bool End, byte Volume, ushort Duration)
{
    public const int Size = 4;

    public static bool TryParse(ReadOnlySpan<byte> payload, out TelephoneEvent value, out string error)
    {
        value = default;
        if (payload.Length < Size)
        {
            error = $"telephone-event payload is {payload.Length} bytes, needs {Size}";
            return false;
        }
        value = new TelephoneEvent(payload[0], (payload[1] & 0x80) != 0, (byte)(payload[1] & 0x3F), BinaryPrimitives.ReadUInt16BigEndian(payload[2..]));
        error = "";
        return true;
    }

    public void WriteTo(Span<byte> destination)
    {
        destination[0] = Event;
        destination[1] = (byte)((End ? 0x80 : 0) | (Volume & 0x3F));
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], Duration);
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Size];
        WriteTo(bytes);
        return bytes;
    }

    /// <summary>Maps DTMF characters to event codes 0–15 (RFC 4733 §3.2).</summary>
    public static bool TryGetEventCode(char digit, out byte code)
    {
        int index = Digits.IndexOf(char.ToUpperInvariant(digit));
        code = (byte)Math.Max(index, 0);
        return index >= 0;
    }

    public static char? DigitFor(byte code) => code < Digits.Length ? Digits[code] : null;

    private const string Digits = "0123456789*#ABCD";
}
