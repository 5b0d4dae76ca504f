using System.Security.Cryptography;
using Orchestrator.Media.Rtp;
using Orchestrator.Media.Srtp;

namespace Orchestrator.Media.Tests.Srtp;

public class SrtpAllocationTests
{
    [Fact]
    public void Protect_and_unprotect_in_place_allocate_almost_nothing()
    {
        var key = new SrtpMasterKey(RandomNumberGenerator.GetBytes(16), RandomNumberGenerator.GetBytes(14));
        using var sender = new SrtpContext(key);
        using var receiver = new SrtpContext(key);
        var plain = new RtpPacket { PayloadType = 0, Ssrc = 9, Payload = new byte[160] }.ToArray();
        var buffer = new byte[plain.Length + SrtpContext.RtpOverhead];

        int failures = 0;
        void RoundTrip(int i)
        {
            plain.CopyTo(buffer, 0);
            buffer[2] = (byte)(i >> 8);
            buffer[3] = (byte)i;
            // Counted rather than asserted inside the loop: xunit's Assert allocates.
            if (sender.ProtectRtp(buffer, plain.Length, out int protectedLength) != SrtpResult.Ok) failures++;
            if (receiver.UnprotectRtp(buffer, protectedLength, out _) != SrtpResult.Ok) failures++;
        }

        for (int i = 0; i < 100; i++) RoundTrip(i); // warm up: streams, JIT
        long before = GC.GetAllocatedBytesForCurrentThread();
        const int count = 2000;
        for (int i = 100; i < 100 + count; i++) RoundTrip(i);
        long perPacket = (GC.GetAllocatedBytesForCurrentThread() - before) / count;
        Assert.Equal(0, failures);
        Assert.True(perPacket <= 64, $"{perPacket} bytes allocated per protect+unprotect");
    }
}
