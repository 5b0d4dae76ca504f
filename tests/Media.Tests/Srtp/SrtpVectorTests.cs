using Orchestrator.Media.Srtp;

namespace Orchestrator.Media.Tests.Srtp;

public class SrtpVectorTests
{
    [Fact]
    public void Rfc3711_b2_aes_cm_keystream()
    {
        using var aes = new AesCounterMode(Convert.FromHexString("2B7E151628AED2A6ABF7158809CF4F3C"));
        var iv = Convert.FromHexString("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000");
        var start = new byte[48];
        aes.Generate(iv, 0, start);
        Assert.Equal("E03EAD0935C95E80E166B16DD92B4EB4" + "D23513162B02D0F72A43A2FE4A5F97AB" + "41E95B3BB0A2E8DD477901E4FCA894C0", Convert.ToHexString(start));
        var end = new byte[48];
        aes.Generate(iv, 0xFEFF, end);
        Assert.Equal("EC8CDF7398607CB0F2D21675EA9EA1E4" + "362B7C3C6773516318A077D7FC5073AE" + "6A2CC3787889374FBEB4C81B17BA6C44", Convert.ToHexString(end));
    }

    private static readonly SrtpMasterKey B3Master = new(
        Convert.FromHexString("E1F97A0D3E018BE0D64FA32C06DE4139"),
        Convert.FromHexString("0EC675AD498AFEEBB6960B3AABE6"));

    [Fact]
    public void Rfc3711_b3_key_derivation()
    {
        Assert.Equal("C61E7A93744F39EE10734AFE3FF7A087", Convert.ToHexString(SrtpKeyDerivation.Derive(B3Master, SrtpKeyDerivation.RtpEncryption, 16)));
        Assert.Equal("30CBBC08863D8C85D49DB34A9AE1", Convert.ToHexString(SrtpKeyDerivation.Derive(B3Master, SrtpKeyDerivation.RtpSalt, 14)));
        Assert.Equal("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4", Convert.ToHexString(SrtpKeyDerivation.Derive(B3Master, SrtpKeyDerivation.RtpAuthentication, 20)));
    }

    // libsrtp's reference packet for AES_CM_128_HMAC_SHA1_80 with the B.3 master key and salt.
    private const string RtpPlain = "800F1234DECAFBADCAFEBABE" + "ABABABABABABABABABABABABABABABAB";
    private const string RtpProtected = "800F1234DECAFBADCAFEBABE" + "4E55DC4CE79978D88CA4D215949D2402" + "B78D6ACC99EA179B8DBB";

    [Fact]
    public void Protects_the_reference_rtp_packet()
    {
        using var sender = new SrtpContext(B3Master);
        Assert.Equal(RtpProtected, Convert.ToHexString(sender.ProtectRtp(Convert.FromHexString(RtpPlain))));
        using var receiver = new SrtpContext(B3Master);
        Assert.Equal(RtpPlain, Convert.ToHexString(receiver.UnprotectRtp(Convert.FromHexString(RtpProtected))));
    }

    private const string RtcpPlain = "81C8000BCAFEBABE" + "ABABABABABABABABABABABABABABABAB";
    private const string RtcpProtected = "81C8000BCAFEBABE" + "7128035BE487B9BDBEF89041F977A5A8" + "80000001" + "993E08CD54D6C1230798";

    [Fact]
    public void Unprotects_the_reference_srtcp_packet()
    {
        using var receiver = new SrtpContext(B3Master);
        Assert.Equal(RtcpPlain, Convert.ToHexString(receiver.UnprotectRtcp(Convert.FromHexString(RtcpProtected))));
    }
}
