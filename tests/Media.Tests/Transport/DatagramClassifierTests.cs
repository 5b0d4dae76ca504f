using Orchestrator.Media.Transport;

namespace Orchestrator.Media.Tests.Transport;

public class DatagramClassifierTests
{
    [Theory]
    [InlineData(new byte[] { }, DatagramKind.Unknown)]
    [InlineData(new byte[] { 0, 1 }, DatagramKind.Stun)]
    [InlineData(new byte[] { 3 }, DatagramKind.Stun)]
    [InlineData(new byte[] { 4 }, DatagramKind.Unknown)]
    [InlineData(new byte[] { 19 }, DatagramKind.Unknown)]
    [InlineData(new byte[] { 20, 0xFE }, DatagramKind.Dtls)]
    [InlineData(new byte[] { 22, 0xFE, 0xFD }, DatagramKind.Dtls)]
    [InlineData(new byte[] { 63 }, DatagramKind.Dtls)]
    [InlineData(new byte[] { 64 }, DatagramKind.Unknown)]
    [InlineData(new byte[] { 0x80, 0 }, DatagramKind.Rtp)]
    [InlineData(new byte[] { 0x80, 111 }, DatagramKind.Rtp)]
    [InlineData(new byte[] { 0x80, 0x80 | 111 }, DatagramKind.Rtp)] // marker + PT 111 = 239, not RTCP
    [InlineData(new byte[] { 0x81, 200 }, DatagramKind.Rtcp)]
    [InlineData(new byte[] { 0x80, 192 }, DatagramKind.Rtcp)]
    [InlineData(new byte[] { 0x8F, 223 }, DatagramKind.Rtcp)]
    [InlineData(new byte[] { 0x80 }, DatagramKind.Unknown)]
    [InlineData(new byte[] { 191, 1 }, DatagramKind.Rtp)]
    [InlineData(new byte[] { 192, 1 }, DatagramKind.Unknown)]
    public void Classifies_by_first_byte(byte[] datagram, DatagramKind expected) =>
        Assert.Equal(expected, DatagramClassifier.Classify(datagram));
}
