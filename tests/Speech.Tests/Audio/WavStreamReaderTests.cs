using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Orchestrator.Speech.Audio;

namespace Orchestrator.Speech.Tests.Audio;

public sealed class WavStreamReaderTests
{
    [Property(MaxTest = 300)]
    public bool Random_bytes_never_crash_only_a_clear_format_error(byte[] bytes, bool withRiffHeader)
    {
        var input = withRiffHeader ? "RIFF\0\0\0\0WAVE"u8.ToArray().Concat(bytes).ToArray() : bytes;
        try
        {
            WavStreamReader.ReadAll(input);
            return true;
        }
        catch (WavFormatException e)
        {
            return e.Message.Length > 10;
        }
    }

    [Property(MaxTest = 100)]
    public bool A_written_wav_reads_back_the_same_samples_whatever_the_split(short[] samples, PositiveInt split)
    {
        var wav = WavWriter.Write(samples, 16000);
        var reader = new WavStreamReader();
        var back = new List<short>();
        int step = split.Get % 97 + 1;
        for (int i = 0; i < wav.Length; i += step) back.AddRange(reader.Feed(wav.AsSpan(i, Math.Min(step, wav.Length - i))));
        reader.Complete();
        return reader.Format == new WavFormat(16000, 1, 16) && back.SequenceEqual(samples);
    }

    [Fact]
    public void A_streaming_placeholder_size_runs_to_the_end_like_espeak_output()
    {
        var wav = WavWriter.Write(new short[] { 1, 2, 3, 4 }, 22050);
        BitConverter.GetBytes(0x7FFFF000u).CopyTo(wav, 40);
        var (format, samples) = WavStreamReader.ReadAll(wav);
        Assert.Equal(22050, format.SampleRate);
        Assert.Equal(new short[] { 1, 2, 3, 4 }, samples);
    }

    [Fact]
    public void Stereo_is_downmixed_and_unknown_chunks_are_skipped()
    {
        var wav = WavWriter.Write(new short[] { 100, 300, -50, -150 }, 8000);
        wav[22] = 2; // channels
        var withList = wav[..36].Concat("LIST"u8.ToArray()).Concat(BitConverter.GetBytes(3)).Concat(new byte[] { 1, 2, 3, 0 }).Concat(wav[36..]).ToArray();
        var (format, samples) = WavStreamReader.ReadAll(withList);
        Assert.Equal(2, format.Channels);
        Assert.Equal(new short[] { 200, -100 }, samples);
    }

    [Theory]
    [InlineData("not a wav", "does not start with 'RIFF'")]
    [InlineData("RIFF\0\0\0\0AVI ", "not 'WAVE'")]
    public void Wrong_containers_are_named(string text, string expected)
    {
        var e = Assert.Throws<WavFormatException>(() => WavStreamReader.ReadAll(System.Text.Encoding.ASCII.GetBytes(text.PadRight(12))));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Float_and_8_bit_audio_are_refused_with_the_reason()
    {
        var wav = WavWriter.Write(new short[4]);
        wav[20] = 3; // IEEE float
        Assert.Contains("encoding 3", Assert.Throws<WavFormatException>(() => WavStreamReader.ReadAll(wav)).Message);
        wav = WavWriter.Write(new short[4]);
        wav[34] = 8;
        Assert.Contains("8 bits", Assert.Throws<WavFormatException>(() => WavStreamReader.ReadAll(wav)).Message);
    }

    [Fact]
    public void A_stream_cut_inside_the_header_is_reported()
    {
        var wav = WavWriter.Write(new short[4]);
        Assert.Contains("'fmt '", Assert.Throws<WavFormatException>(() => WavStreamReader.ReadAll(wav.AsSpan(0, 30))).Message);
    }
}
