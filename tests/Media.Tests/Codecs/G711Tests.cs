using FsCheck.Xunit;
using Orchestrator.Media.Codecs;

namespace Orchestrator.Media.Tests.Codecs;

public class G711Tests
{
    [Theory]
    [InlineData((short)0, 0xFF)]
    [InlineData((short)32767, 0x80)]
    [InlineData((short)-32768, 0x00)]
    [InlineData((short)-1, 0x7E)] // the reference encoder floors to 14 bits first
    [InlineData((short)1000, 0xCE)]
    public void Mu_law_encodes_known_values(short sample, int code) => Assert.Equal((byte)code, G711.MuLawEncode(sample));

    [Theory]
    [InlineData(0xFF, 0)]
    [InlineData(0x7F, 0)]
    [InlineData(0x80, 32124)]
    [InlineData(0x00, -32124)]
    [InlineData(0xCE, 988)] // midpoint of 956..1019
    public void Mu_law_decodes_known_values(int code, short sample) => Assert.Equal(sample, G711.MuLawDecode((byte)code));

    [Theory]
    [InlineData((short)0, 0xD5)]
    [InlineData((short)-1, 0x55)]
    [InlineData((short)32767, 0xAA)]
    [InlineData((short)-32768, 0x2A)]
    public void A_law_encodes_known_values(short sample, int code) => Assert.Equal((byte)code, G711.ALawEncode(sample));

    [Theory]
    [InlineData(0xD5, 8)]
    [InlineData(0x55, -8)]
    [InlineData(0xAA, 32256)]
    [InlineData(0x2A, -32256)]
    public void A_law_decodes_known_values(int code, short sample) => Assert.Equal(sample, G711.ALawDecode((byte)code));

    [Fact]
    public void Every_code_survives_decode_then_encode()
    {
        for (int code = 0; code < 256; code++)
        {
            if (code != 0x7F) Assert.Equal((byte)code, G711.MuLawEncode(G711.MuLawDecode((byte)code))); // 0x7F is −0 → +0
            Assert.Equal((byte)code, G711.ALawEncode(G711.ALawDecode((byte)code)));
        }
    }

    [Fact]
    public void Decoding_is_monotonic_in_the_code_order()
    {
        // μ-law: 0x00..0x7F are negative from loudest to quietest; 0x80..0xFF mirror them.
        for (int code = 1; code < 128; code++) Assert.True(G711.MuLawDecode((byte)code) > G711.MuLawDecode((byte)(code - 1)));
        for (int code = 0x81; code < 256; code++) Assert.True(G711.MuLawDecode((byte)code) < G711.MuLawDecode((byte)(code - 1)));
    }

    [Theory]
    [InlineData("PCMU")]
    [InlineData("PCMA")]
    public void A_speech_level_sine_keeps_over_30_db_snr(string name)
    {
        using IAudioCodec codec = name == "PCMU" ? new PcmuCodec() : new PcmaCodec();
        var pcm = Enumerable.Range(0, 8000).Select(i => (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / 8000))).ToArray();
        var encoded = codec.Encode(pcm);
        Assert.Equal(pcm.Length, encoded.Length);
        var decoded = codec.Decode(encoded);
        double signal = pcm.Sum(s => (double)s * s);
        double noise = pcm.Zip(decoded, (a, b) => (double)(a - b) * (a - b)).Sum();
        Assert.True(10 * Math.Log10(signal / noise) > 30, $"SNR {10 * Math.Log10(signal / noise):F1} dB");
    }

    [Property]
    public void Quantisation_error_is_bounded_by_the_segment_step(short sample)
    {
        int mu = Math.Abs(G711.MuLawDecode(G711.MuLawEncode(sample)) - sample);
        int a = Math.Abs(G711.ALawDecode(G711.ALawEncode(sample)) - sample);
        // The largest step is 1024 (μ-law) / 1024 (A-law) in the top segment; clipping adds ~700 at the rails.
        int magnitude = Math.Abs((int)sample);
        Assert.True(mu <= Math.Max(8, magnitude / 16 + 4) || magnitude > 32000, $"μ-law error {mu} at {sample}");
        Assert.True(a <= Math.Max(16, magnitude / 16 + 8) || magnitude > 32000, $"A-law error {a} at {sample}");
    }
}
