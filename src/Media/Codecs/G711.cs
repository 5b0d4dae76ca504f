namespace Orchestrator.Media.Codecs;

/// <summary>
/// ITU-T G.711 μ-law and A-law. The tables are computed once from the segment definitions, then
/// every conversion is a single lookup. Encoding indexes by the sample's top 14 (μ-law) or 13 (A-law)
/// bits, which is the input precision of the reference G.711 encoders anyway.
/// </summary>
public static class G711
{
    private const int MuLawBias = 0x84;
    private const int MuLawClip = 32635;

    private static readonly short[] MuLawDecodeTable = new short[256];
    private static readonly short[] ALawDecodeTable = new short[256];
    private static readonly byte[] MuLawEncodeTable = new byte[1 << 14]; // indexed by sample >> 2
    private static readonly byte[] ALawEncodeTable = new byte[1 << 13];  // indexed by sample >> 3

    static G711()
    {
        for (int i = 0; i < 256; i++)
        {
            MuLawDecodeTable[i] = MuLawDecodeSlow((byte)i);
            ALawDecodeTable[i] = ALawDecodeSlow((byte)i);
        }
        for (int i = 0; i < MuLawEncodeTable.Length; i++)
            MuLawEncodeTable[i] = MuLawEncodeSlow((short)((i << 2) - 32768));
        for (int i = 0; i < ALawEncodeTable.Length; i++)
            ALawEncodeTable[i] = ALawEncodeSlow((short)((i << 3) - 32768));
    }

    public static byte MuLawEncode(short sample) => MuLawEncodeTable[(sample + 32768) >> 2];
    public static short MuLawDecode(byte code) => MuLawDecodeTable[code];
    public static byte ALawEncode(short sample) => ALawEncodeTable[(sample + 32768) >> 3];
    public static short ALawDecode(byte code) => ALawDecodeTable[code];

    public static void MuLawEncode(ReadOnlySpan<short> pcm, Span<byte> destination)
    {
        for (int i = 0; i < pcm.Length; i++) destination[i] = MuLawEncodeTable[(pcm[i] + 32768) >> 2];
    }

    public static void MuLawDecode(ReadOnlySpan<byte> codes, Span<short> destination)
    {
        for (int i = 0; i < codes.Length; i++) destination[i] = MuLawDecodeTable[codes[i]];
    }

    public static void ALawEncode(ReadOnlySpan<short> pcm, Span<byte> destination)
    {
        for (int i = 0; i < pcm.Length; i++) destination[i] = ALawEncodeTable[(pcm[i] + 32768) >> 3];
    }

    public static void ALawDecode(ReadOnlySpan<byte> codes, Span<short> destination)
    {
        for (int i = 0; i < codes.Length; i++) destination[i] = ALawDecodeTable[codes[i]];
    }

    private static byte MuLawEncodeSlow(short value)
    {
        int sample = value;
        int sign = 0;
        if (sample < 0)
        {
            sign = 0x80;
            sample = -sample;
        }
        if (sample > MuLawClip) sample = MuLawClip;
        sample += MuLawBias;
        int exponent = 7;
        for (int mask = 0x4000; (sample & mask) == 0 && exponent > 0; mask >>= 1) exponent--;
        int mantissa = (sample >> (exponent + 3)) & 0x0F;
        return (byte)~(sign | (exponent << 4) | mantissa);
    }

    private static short MuLawDecodeSlow(byte code)
    {
        int u = ~code & 0xFF;
        int exponent = (u >> 4) & 0x07;
        int mantissa = u & 0x0F;
        int sample = (((mantissa << 3) + MuLawBias) << exponent) - MuLawBias;
        return (short)((u & 0x80) != 0 ? -sample : sample);
    }

    private static byte ALawEncodeSlow(short value)
    {
        int sample = value;
        int sign = 0x80; // A-law sets the bit for positive values
        if (sample < 0)
        {
            sign = 0;
            sample = -sample - 1; // one's complement keeps -32768 in range and mirrors the segments
        }
        if (sample > 32767) sample = 32767;
        int code;
        if (sample < 256)
        {
            code = sample >> 4;
        }
        else
        {
            int exponent = 7;
            for (int mask = 0x4000; (sample & mask) == 0 && exponent > 1; mask >>= 1) exponent--;
            code = (exponent << 4) | ((sample >> (exponent + 3)) & 0x0F);
        }
        return (byte)((code | sign) ^ 0x55);
    }

    private static short ALawDecodeSlow(byte code)
    {
        int a = code ^ 0x55;
        int t = (a & 0x0F) << 4;
        int segment = (a & 0x70) >> 4;
        t = segment switch
        {
            0 => t + 8,
            1 => t + 0x108,
            _ => (t + 0x108) << (segment - 1),
        };
        return (short)((a & 0x80) != 0 ? t : -t);
    }
}
