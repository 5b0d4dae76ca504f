using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Orchestrator.Media.Sip.Transport;

namespace Orchestrator.Media.Tests.Sip;

public sealed class SipUdpChannelTests
{
    private static byte[] Options(int cseq) => Encoding.ASCII.GetBytes(
        $"OPTIONS sip:a@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK{cseq}\r\nFrom: <sip:b@127.0.0.1>;tag=1\r\n" +
        $"To: <sip:a@127.0.0.1>\r\nCall-ID: c{cseq}\r\nCSeq: {cseq} OPTIONS\r\nContent-Length: 0\r\n\r\n");

    [Fact]
    public async Task A_handler_still_waiting_does_not_hold_up_the_next_datagram_and_its_failure_is_reported()
    {
        await using var channel = new SipUdpChannel(new IPEndPoint(IPAddress.Loopback, 0));
        var never = new TaskCompletionSource();
        var failing = new TaskCompletionSource();
        var seen = new ConcurrentQueue<uint>();
        var malformed = new ConcurrentQueue<string>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        channel.MessageReceived = inbound =>
        {
            uint n = inbound.Message.CSeq.Number;
            seen.Enqueue(n);
            if (n == 3) done.TrySetResult();
            return n switch
            {
                1 => new ValueTask(never.Task),   // stays pending for the whole test
                2 => new ValueTask(failing.Task), // fails later, after the loop moved on
                _ => ValueTask.CompletedTask,
            };
        };
        channel.Malformed = (reason, _) => malformed.Enqueue(reason);
        channel.Start();

        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        peer.SendTo(Options(1), channel.LocalEndPoint);
        peer.SendTo(Options(2), channel.LocalEndPoint);
        peer.SendTo("not sip at all\r\n\r\n"u8.ToArray(), channel.LocalEndPoint);
        peer.SendTo(Options(3), channel.LocalEndPoint);
        await done.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([1u, 2u, 3u], seen.ToArray());

        failing.SetException(new InvalidOperationException("late failure"));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (malformed.Count < 2 && DateTime.UtcNow < deadline) await Task.Delay(10);
        Assert.Equal(2, malformed.Count);
        Assert.Contains("handler failed: late failure", malformed);
        Assert.Single(malformed, m => !m.StartsWith("handler failed", StringComparison.Ordinal)); // the junk datagram's parse error
        Assert.True(channel.ReceiveBufferBytes > 0);
    }

    [Fact]
    public async Task Sends_reach_the_peer_and_sending_after_dispose_is_harmless()
    {
        var channel = new SipUdpChannel(new IPEndPoint(IPAddress.Loopback, 0));
        channel.Start();
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        peer.ReceiveTimeout = 5000;
        await channel.SendAsync(Options(9), (IPEndPoint)peer.LocalEndPoint!);
        var buffer = new byte[2000];
        int n = peer.Receive(buffer);
        Assert.StartsWith("OPTIONS sip:a@127.0.0.1", Encoding.ASCII.GetString(buffer, 0, n));

        await channel.DisposeAsync();
        // Sending after disposal is a no-op, not an exception.
        await channel.SendAsync(Options(10), (IPEndPoint)peer.LocalEndPoint!);
    }
}
