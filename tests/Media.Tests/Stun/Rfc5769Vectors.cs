namespace Orchestrator.Media.Tests.Stun;

/// <summary>The sample messages of RFC 5769 (short-term credentials), byte for byte.</summary>
internal static class Rfc5769Vectors
{
    public const string Password = "VOkJxbRl1RmTxUk/WvJxBt";

    public static readonly byte[] TransactionId = Convert.FromHexString("b7e7a701bc34d686fa87dfae");

    /// <summary>§2.1 sample request.</summary>
    public static readonly byte[] Request = Convert.FromHexString(
        "000100582112a442b7e7a701bc34d686fa87dfae" +
        "802200105354554e207465737420636c69656e74" + // SOFTWARE "STUN test client"
        "002400046e0001ff" +                         // PRIORITY
        "80290008932ff9b151263b36" +                 // ICE-CONTROLLED
        "000600096576746a3a68367659202020" +         // USERNAME "evtj:h6vY" + space padding
        "000800149aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2" +
        "80280004e57a3bcf");

    /// <summary>§2.2 sample IPv4 response (192.0.2.1:32853).</summary>
    public static readonly byte[] ResponseV4 = Convert.FromHexString(
        "0101003c2112a442b7e7a701bc34d686fa87dfae" +
        "8022000b7465737420766563746f7220" +         // SOFTWARE "test vector" + space padding
        "002000080001a147e112a643" +                 // XOR-MAPPED-ADDRESS
        "000800142b91f599fd9e90c38c7489f92af9ba53f06be7d7" +
        "80280004c07d4c96");

    /// <summary>§2.3 sample IPv6 response ([2001:db8:1234:5678:11:2233:4455:6677]:32853).</summary>
    public static readonly byte[] ResponseV6 = Convert.FromHexString(
        "010100482112a442b7e7a701bc34d686fa87dfae" +
        "8022000b7465737420766563746f7220" +
        "002000140002a1470113a9faa5d3f179bc25f4b5bed2b9d9" +
        "00080014a382954e4be67bf11784c97c8292c275bfe3ed41" +
        "80280004c8fb0b4c");
}
