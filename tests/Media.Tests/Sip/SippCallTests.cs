using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Orchestrator.Media.Rtp;
using Orchestrator.Media.Sip.Auth;
using Orchestrator.Media.Sip.Calls;
using Orchestrator.Media.Sip.Messages;
using Orchestrator.Media.Sip.Transactions;
using Orchestrator.Media.Sip.Transport;
using Xunit.Abstractions;

namespace Orchestrator.Media.Tests.Sip;

/// <summary>Calls from our user agent to real SIPp on loopback, one SIPp process per test.</summary>
[Collection("sipp")]
public sealed class SippCallTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private static SipUserAgent StartAgent(SipTransportKind transport = SipTransportKind.Udp) => SipUserAgent.Start(new SipUserAgentOptions
    {
        Transport = transport,
        Timers = new SipTimerOptions { T1 = TimeSpan.FromMilliseconds(200) },
    });

    private static SipDialOptions Dial(SippProcess sipp, RtpSession media, SipCredentials? credentials = null, TimeSpan? ring = null, string transport = "") => new()
    {
        Target = SipUri.Parse($"sip:service@127.0.0.1:{sipp.Port}{transport}"),
        From = SipUri.Parse("sip:agent@127.0.0.1"),
        DisplayName = "Agent \"007\"",
        Credentials = credentials,
        RingTimeout = ring ?? TimeSpan.FromSeconds(10),
        Media = media,
    };

    private static short[] Tone(int samples, double frequency = 440, short amplitude = 8000) =>
        Enumerable.Range(0, samples).Select(i => (short)(amplitude * Math.Sin(2 * Math.PI * frequency * i / 8000))).ToArray();

    private static double Rms(IEnumerable<short> pcm)
    {
        double sum = 0;
        long n = 0;
        foreach (var s in pcm)
        {
            sum += (double)s * s;
            n++;
        }
        return n == 0 ? 0 : Math.Sqrt(sum / n);
    }

    private async Task<int> Finish(SippProcess sipp)
    {
        int code = await sipp.WaitForExitAsync(Bound);
        if (code != 0) output.WriteLine(sipp.Output[^Math.Min(4000, sipp.Output.Length)..] + "\n" + sipp.Errors);
        return code;
    }

    [Fact]
    public async Task Uas_with_rtp_echo_answers_echoes_our_audio_and_takes_our_bye()
    {
        await using var sipp = await SippProcess.StartAsync("uas", extra: "-rtp_echo");
        await using var agent = StartAgent();
        var media = RtpSession.Open();
        var received = new List<short>();
        media.AudioReceived += pcm => { lock (received) received.AddRange(pcm); };
        var progress = new List<int>();
        var call = agent.CreateCall(Dial(sipp, media));
        call.Progress += p => progress.Add(p.StatusCode);

        var watch = Stopwatch.StartNew();
        var result = await call.DialAsync().WaitAsync(Bound);
        output.WriteLine($"answered in {watch.ElapsedMilliseconds} ms: {result}");
        Assert.Equal(SipCallOutcome.Answered, result.Outcome);
        Assert.Equal("PCMU", result.Negotiation!.Codec.Name);
        Assert.Contains(180, progress);

        media.SendAudio(Tone(8000));
        await Task.Delay(1500);
        Assert.True(media.PacketsReceived > 20, $"echoed packets {media.PacketsReceived}");
        double rms;
        lock (received) rms = Rms(received);
        output.WriteLine($"sent {media.PacketsSent}, received {media.PacketsReceived}, echo rms {rms:F0}");
        Assert.True(rms > 2000, $"echo energy {rms}");

        await call.HangupAsync().WaitAsync(Bound);
        Assert.Equal(SipCallEndedBy.Local, (await call.Completion).By);
        Assert.Equal(0, await Finish(sipp));
    }

    [Fact]
    public async Task Uas_over_tcp_answers_and_takes_our_bye()
    {
        await using var sipp = await SippProcess.StartAsync("uas", transport: "t1");
        await using var agent = StartAgent(SipTransportKind.Tcp);
        var call = agent.CreateCall(Dial(sipp, RtpSession.Open(), transport: ";transport=tcp"));
        var result = await call.DialAsync().WaitAsync(Bound);
        Assert.Equal(SipCallOutcome.Answered, result.Outcome);
        await call.HangupAsync().WaitAsync(Bound);
        Assert.Equal(0, await Finish(sipp));
    }

    [Theory]
    [InlineData("proxy-auth.xml", "s3cret", SipCallOutcome.Answered)]
    [InlineData("proxy-auth.xml", "wrong", SipCallOutcome.Rejected)]
    [InlineData("www-auth.xml", "s3cret", SipCallOutcome.Answered)]
    [InlineData("www-auth.xml", "wrong", SipCallOutcome.Rejected)]
    public async Task Digest_challenge_is_answered_with_credentials(string scenario, string password, SipCallOutcome expected)
    {
        // Without qop the digest is deterministic, so SIPp can compare it (see proxy-auth.xml).
        const string nonce = "dcd98b7102dd2f0e8b11d0f600bfb0c093";
        int port = SippProcess.NextPortHint;
        await using var sipp = await SippProcess.StartAsync(scenario, extra: scenario == "proxy-auth.xml"
            ? "-set expected " + DigestAuthenticator.ComputeResponse("MD5", "alice", "sipp.test", "s3cret", "INVITE", $"sip:service@127.0.0.1:{port}", nonce, null, null, null)
            : "", port: port);
        await using var agent = StartAgent();
        var call = agent.CreateCall(Dial(sipp, RtpSession.Open(), new SipCredentials("alice", password)));
        var result = await call.DialAsync().WaitAsync(Bound);
        output.WriteLine(result.ToString());
        Assert.Equal(expected, result.Outcome);
        if (result.IsAnswered) await call.HangupAsync().WaitAsync(Bound);
        else Assert.Equal(403, result.StatusCode);
        Assert.Equal(0, await Finish(sipp));
    }

    [Fact]
    public async Task Busy_is_reported_as_busy()
    {
        await using var sipp = await SippProcess.StartAsync("busy.xml");
        await using var agent = StartAgent();
        var call = agent.CreateCall(Dial(sipp, RtpSession.Open()));
        var result = await call.DialAsync().WaitAsync(Bound);
        Assert.Equal(SipCallOutcome.Busy, result.Outcome);
        Assert.Equal("busy", result.Reason);
        Assert.Equal(486, result.StatusCode);
        Assert.Equal(0, await Finish(sipp));
    }

    [Fact]
    public async Task Ring_timeout_cancels_and_reports_no_answer()
    {
        await using var sipp = await SippProcess.StartAsync("ring-no-answer.xml");
        await using var agent = StartAgent();
        var call = agent.CreateCall(Dial(sipp, RtpSession.Open(), ring: TimeSpan.FromMilliseconds(1200)));
        var watch = Stopwatch.StartNew();
        var result = await call.DialAsync().WaitAsync(Bound);
        output.WriteLine($"{result} after {watch.ElapsedMilliseconds} ms");
        Assert.Equal(SipCallOutcome.NoAnswer, result.Outcome);
        Assert.Equal(487, result.StatusCode);
        Assert.InRange(watch.ElapsedMilliseconds, 1100, 5000);
        Assert.Equal(0, await Finish(sipp));
    }

    [Fact]
    public async Task Early_media_from_183_then_answer()
    {
        await using var sipp = await SippProcess.StartAsync("early-media.xml");
        await using var agent = StartAgent();
        var call = agent.CreateCall(Dial(sipp, RtpSession.Open()));
        SipCallProgress? early = null;
        call.Progress += p => { if (p.StatusCode == 183) early = p; };
        var result = await call.DialAsync().WaitAsync(Bound);
        Assert.Equal(SipCallOutcome.Answered, result.Outcome);
        Assert.NotNull(early?.EarlyMedia);
        Assert.Equal(sipp.MediaPort, early!.EarlyMedia!.Remote.Port);
        await call.HangupAsync().WaitAsync(Bound);
        Assert.Equal(0, await Finish(sipp));
    }

    [Fact]
    public async Task Callee_bye_ends_the_call()
    {
        await using var sipp = await SippProcess.StartAsync("callee-bye.xml");
        await using var agent = StartAgent();
        var call = agent.CreateCall(Dial(sipp, RtpSession.Open()));
        var hungup = new TaskCompletionSource<SipCallEnd>();
        call.Hungup += end => hungup.TrySetResult(end);
        Assert.True((await call.DialAsync().WaitAsync(Bound)).IsAnswered);
        var end = await hungup.Task.WaitAsync(Bound);
        Assert.Equal(SipCallEndedBy.Remote, end.By);
        Assert.Equal(SipCallState.Ended, call.State);
        Assert.Equal(0, await Finish(sipp));
    }

    [Fact]
    public async Task Reinvite_from_callee_is_answered_and_the_call_goes_on()
    {
        await using var sipp = await SippProcess.StartAsync("reinvite.xml");
        await using var agent = StartAgent();
        var call = agent.CreateCall(Dial(sipp, RtpSession.Open()));
        var hungup = new TaskCompletionSource<SipCallEnd>();
        call.Hungup += end => hungup.TrySetResult(end);
        Assert.True((await call.DialAsync().WaitAsync(Bound)).IsAnswered);
        await hungup.Task.WaitAsync(Bound);
        // The re-INVITE offered PCMA first; our answer switched to it.
        Assert.Equal("PCMA", call.Negotiation!.Codec.Name);
        Assert.Equal(0, await Finish(sipp));
    }

    [Fact]
    public async Task Reinvite_without_sdp_gets_our_offer_in_the_200_and_takes_the_answer_from_the_ack()
    {
        await using var sipp = await SippProcess.StartAsync("reinvite-no-sdp.xml");
        await using var agent = StartAgent();
        var media = RtpSession.Open();
        var holds = new System.Collections.Concurrent.ConcurrentQueue<bool>();
        media.HoldChanged += h => holds.Enqueue(h);
        var call = agent.CreateCall(Dial(sipp, media));
        var hungup = new TaskCompletionSource<SipCallEnd>();
        call.Hungup += end => hungup.TrySetResult(end);
        Assert.True((await call.DialAsync().WaitAsync(Bound)).IsAnswered);
        await hungup.Task.WaitAsync(Bound);
        // SIPp checked our 200 held a full sendrecv offer; its ACK answered PCMA, sendonly: a hold, now in force.
        Assert.Equal(("PCMA", Orchestrator.Media.Sdp.MediaDirection.SendOnly), (call.Negotiation!.Codec.Name, call.Negotiation.Direction));
        Assert.Equal([true], holds);
        Assert.Equal(0, await Finish(sipp));
    }

    [Fact]
    public async Task Callee_streaming_speech_reaches_us_as_audio_with_energy()
    {
        string dir = Directory.CreateTempSubdirectory("sipp-speech").FullName;
        await SpeechFile.CreateAsync(Path.Combine(dir, "speech.ulaw"), "Hello, this is a recorded message from the callee.");
        await using var sipp = await SippProcess.StartAsync("stream-speech.xml", dir);
        await using var agent = StartAgent();
        var media = RtpSession.Open(new RtpSessionOptions { SendSilenceWhenIdle = true });
        var frames = new List<double>();
        media.AudioReceived += pcm => { lock (frames) frames.Add(Rms(pcm)); };
        var call = agent.CreateCall(Dial(sipp, media));
        var hungup = new TaskCompletionSource<SipCallEnd>();
        call.Hungup += end => hungup.TrySetResult(end);
        Assert.True((await call.DialAsync().WaitAsync(Bound)).IsAnswered);
        await hungup.Task.WaitAsync(Bound);
        lock (frames)
        {
            int loud = frames.Count(f => f > 500);
            output.WriteLine($"{frames.Count} frames, {loud} with speech energy, max rms {frames.DefaultIfEmpty().Max():F0}");
            Assert.True(frames.Count > 50, $"frames {frames.Count}");
            Assert.True(loud > 20, $"speech frames {loud}");
        }
        Assert.Equal(0, await Finish(sipp));
    }

    [Fact]
    public async Task Malformed_datagrams_and_a_flood_of_stray_responses_do_not_hurt_the_agent()
    {
        await using var sipp = await SippProcess.StartAsync("uas");
        await using var agent = StartAgent();
        using var attacker = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        attacker.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var random = new Random(7);
        var garbage = new byte[600];
        for (int i = 0; i < 300; i++)
        {
            random.NextBytes(garbage);
            attacker.SendTo(garbage.AsSpan(0, random.Next(1, garbage.Length)), agent.LocalEndPoint);
        }
        attacker.SendTo("INVITE sip:x SIP/2.0\r\nVia: nonsense\r\n\r\n"u8.ToArray(), agent.LocalEndPoint);
        var stray = SipParser.Parse(
            "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKnope\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: stray\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n"u8).ToBytes();
        for (int i = 0; i < 2000; i++) attacker.SendTo(stray, agent.LocalEndPoint);

        var call = agent.CreateCall(Dial(sipp, RtpSession.Open()));
        Assert.True((await call.DialAsync().WaitAsync(Bound)).IsAnswered);
        await call.HangupAsync().WaitAsync(Bound);
        Assert.Equal(0, await Finish(sipp));
        output.WriteLine($"malformed {agent.MalformedMessages}, stray {agent.StrayResponses}");
        Assert.True(agent.MalformedMessages > 0); // the kernel drops part of a flood on loopback
        Assert.True(agent.StrayResponses > 0);
    }
}
