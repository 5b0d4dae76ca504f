using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using Orchestrator.Media;
using Orchestrator.Media.WebRtc;

namespace Orchestrator.Browser.Tests;

/// <summary>
/// <see cref="WebRtcPeer"/> against real Chromium on loopback: ICE-lite, DTLS-SRTP with Chromium
/// as the DTLS client, audio both ways, DTMF, and the ways a call ends.
/// </summary>
public class WebRtcPeerBrowserTests(ITestOutputHelper output)
{
    private static readonly TimeSpan ConnectWait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Opus_call_connects_and_carries_audio_both_ways_then_ends_when_the_browser_closes()
    {
        await using var call = await Call.StartAsync(output, new WebRtcPeerOptions
        {
            BindAddress = IPAddress.Loopback, RemoteFilter = CallServer.IsLoopback, ConsentTimeout = TimeSpan.FromSeconds(5),
        });
        var answers = await call.StartInBrowserAsync();
        Assert.Equal(200, answers[^1].Status);
        Assert.Equal("opus", answers[^1].Text);

        var connection = await call.ConnectedAsync();
        Assert.True(call.Server.Peer.Codec!.IsOpus);
        call.Server.Peer.SendAudio(TestAudio.Pcm16k);

        await call.WaitForCallerSpeechAsync();
        var stats = await call.WaitForBrowserAudioAsync();
        Assert.Equal("audio/opus", stats.Codec);
        output.WriteLine($"peer stats: {call.Server.Peer.Statistics}");

        // The browser goes away: the peer must notice within the consent timeout.
        var closed = Stopwatch.StartNew();
        await call.Browser.DisposeAsync();
        var reason = await call.FailedAsync(TimeSpan.FromSeconds(10));
        output.WriteLine($"failed {closed.ElapsedMilliseconds} ms after the browser closed: {reason}");
        Assert.Equal(WebRtcPeerState.Failed, call.Server.Peer.State);
    }

    [Fact]
    public async Task Pcmu_only_offer_connects_and_carries_audio_and_dtmf()
    {
        await using var call = await Call.StartAsync(output, new WebRtcPeerOptions
        {
            BindAddress = IPAddress.Loopback, RemoteFilter = CallServer.IsLoopback, OfferOpus = false,
        });
        var answers = await call.StartInBrowserAsync();
        Assert.Equal("PCMU", answers[^1].Text);
        await call.ConnectedAsync();
        call.Server.Peer.SendAudio(TestAudio.Tone16k(440, TimeSpan.FromSeconds(4)));
        await call.WaitForCallerSpeechAsync();
        var stats = await call.WaitForBrowserAudioAsync();
        Assert.Equal("audio/PCMU", stats.Codec);

        await call.Browser.Page.EvaluateAsync("() => window.sendDtmf('59#')");
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (call.Digits.Count < 3 && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.Equal("59#", string.Concat(call.Digits));
        Assert.True(call.Server.Peer.SendDtmf('7'));
    }

    [Fact]
    public async Task Hanging_up_in_the_page_ends_the_call_at_once()
    {
        await using var call = await Call.StartAsync(output, new WebRtcPeerOptions
        {
            BindAddress = IPAddress.Loopback, RemoteFilter = CallServer.IsLoopback, ConsentTimeout = TimeSpan.FromSeconds(10),
        });
        await call.StartInBrowserAsync();
        await call.ConnectedAsync();
        var hangUp = Stopwatch.StartNew();
        await call.Browser.Page.EvaluateAsync("() => window.hangUp()");
        var reason = await call.FailedAsync(TimeSpan.FromSeconds(12));
        output.WriteLine($"failed {hangUp.ElapsedMilliseconds} ms after pc.close(): {reason}");
        // pc.close() sends a DTLS close_notify, so the peer need not wait for consent to run out.
        Assert.Contains("closed the DTLS session", reason.Detail);
        Assert.Equal(MediaEndKind.RemoteClosed, reason.Kind);
        Assert.True(reason.ByRemote);
        Assert.True(hangUp.Elapsed < TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Barge_in_stops_playback_at_once_and_reports_what_was_played()
    {
        await using var call = await Call.StartAsync(output, new WebRtcPeerOptions { BindAddress = IPAddress.Loopback, RemoteFilter = CallServer.IsLoopback });
        await call.StartInBrowserAsync();
        await call.ConnectedAsync();
        var peer = call.Server.Peer;
        long start = peer.PlaybackSentSamples;
        long end = peer.SendAudio(TestAudio.Tone16k(300, TimeSpan.FromSeconds(5)));
        var playing = Stopwatch.StartNew();
        await Task.Delay(1000);
        long sentBefore = peer.Statistics.RtpSent;
        var cleared = peer.ClearPlayback();
        var elapsed = playing.Elapsed;
        long heard = Math.Clamp(cleared.SentSamples - start, 0, end - start);
        output.WriteLine($"{peer.Statistics}");
        output.WriteLine($"cleared after {elapsed.TotalMilliseconds:0} ms: sent {heard / 16.0:0} ms, dropped {cleared.Dropped.TotalMilliseconds:0} ms, {sentBefore} packets");
        // Paced in real time: what was sent matches the wall clock to within a couple of frames.
        Assert.InRange(heard / 16.0, elapsed.TotalMilliseconds - 60, elapsed.TotalMilliseconds + 60);
        Assert.Equal(end - start - heard, cleared.DroppedSamples);
        await Task.Delay(300);
        Assert.InRange(peer.Statistics.RtpSent - sentBefore, 0, 1);
    }

    [Fact]
    public async Task Consent_is_lost_when_the_browser_stops_reaching_the_peer()
    {
        bool reachable = true;
        await using var call = await Call.StartAsync(output, new WebRtcPeerOptions
        {
            BindAddress = IPAddress.Loopback, RemoteFilter = r => reachable && CallServer.IsLoopback(r), ConsentTimeout = TimeSpan.FromSeconds(4),
        });
        await call.StartInBrowserAsync();
        await call.ConnectedAsync();
        // The network drops everything from the browser, as if it vanished without a close_notify.
        var cut = Stopwatch.StartNew();
        reachable = false;
        var reason = await call.FailedAsync(TimeSpan.FromSeconds(10));
        output.WriteLine($"failed {cut.ElapsedMilliseconds} ms after the cut: {reason}");
        Assert.Contains("consent lost", reason.Detail);
        Assert.Equal(MediaEndKind.ConsentLost, reason.Kind);
        Assert.False(reason.ByRemote);
        Assert.InRange(cut.Elapsed, TimeSpan.FromSeconds(3.5), TimeSpan.FromSeconds(6));
    }

    [Theory]
    [InlineData("a=fingerprint", "fingerprint")]
    [InlineData("a=ice-pwd", "ICE credentials")]
    [InlineData("m=audio", "no audio")]
    public async Task A_bad_answer_gets_a_clear_error_and_the_good_one_still_connects(string removedLines, string expectedError)
    {
        await using var call = await Call.StartAsync(output, new WebRtcPeerOptions { BindAddress = IPAddress.Loopback, RemoteFilter = CallServer.IsLoopback });
        var answers = await call.StartInBrowserAsync(removedLines);
        Assert.Equal(400, answers[0].Status);
        Assert.Contains(expectedError, answers[0].Text);
        output.WriteLine($"refused: {answers[0].Text}");
        Assert.Equal(200, answers[1].Status);
        await call.ConnectedAsync();
    }

    /// <summary>One server peer, one browser page, and what the peer reported.</summary>
    private sealed class Call : IAsyncDisposable
    {
        private readonly ITestOutputHelper _output;
        private readonly TaskCompletionSource<WebRtcConnection> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource<MediaEnded> _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private double _loudestFrame;
        private long _frames;

        private Call(ITestOutputHelper output, CallServer server, ChromiumBrowser browser)
        {
            _output = output;
            Server = server;
            Browser = browser;
            server.Peer.Connected += c => _connected.TrySetResult(c);
            server.Peer.Failed += r => _failed.TrySetResult(r);
            server.Peer.DtmfDigit += d => Digits.Enqueue(d);
            server.Peer.AudioFrame += f =>
            {
                Interlocked.Increment(ref _frames);
                double rms = TestAudio.Rms(f.Samples);
                if (rms > Volatile.Read(ref _loudestFrame)) Volatile.Write(ref _loudestFrame, rms);
            };
        }

        public CallServer Server { get; }
        public ChromiumBrowser Browser { get; }
        public ConcurrentQueue<char> Digits { get; } = new();

        public static async Task<Call> StartAsync(ITestOutputHelper output, WebRtcPeerOptions options)
        {
            _ = TestAudio.MicrophoneWav;
            var server = await CallServer.StartAsync(new WebRtcPeer(options));
            var browser = await ChromiumBrowser.LaunchAsync();
            await browser.Page.GotoAsync(server.Url);
            return new Call(output, server, browser);
        }

        public async Task<IReadOnlyList<(int Status, string Text)>> StartInBrowserAsync(string? breakFirst = null)
        {
            var results = await Browser.Page.EvaluateAsync<JsonElement>("b => window.startCall(b)", breakFirst);
            return results.EnumerateArray().Select(r => (r.GetProperty("status").GetInt32(), r.GetProperty("text").GetString() ?? "")).ToList();
        }

        public async Task<WebRtcConnection> ConnectedAsync()
        {
            var finished = await Task.WhenAny(_connected.Task, _failed.Task, Task.Delay(ConnectWait));
            if (finished != _connected.Task)
            {
                await DumpAsync();
                Assert.Fail(finished == _failed.Task ? $"peer failed: {_failed.Task.Result}" : "peer did not connect in time");
            }
            var connection = _connected.Task.Result;
            _output.WriteLine($"connected to {connection.Remote} with {connection.Codec.Name}: {connection.SinceAnswer.TotalMilliseconds:0} ms after the answer, {Server.SinceOffer.TotalMilliseconds:0} ms after the offer");
            return connection;
        }

        public async Task<MediaEnded> FailedAsync(TimeSpan within)
        {
            var finished = await Task.WhenAny(_failed.Task, Task.Delay(within));
            Assert.True(finished == _failed.Task, $"peer did not fail within {within.TotalSeconds} s (state {Server.Peer.State})");
            return _failed.Task.Result;
        }

        /// <summary>The fake microphone's speech reaches the peer decoded, with energy.</summary>
        public async Task WaitForCallerSpeechAsync()
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (Volatile.Read(ref _loudestFrame) < 500 && DateTime.UtcNow < deadline) await Task.Delay(100);
            _output.WriteLine($"peer received {Interlocked.Read(ref _frames)} frames, loudest RMS {Volatile.Read(ref _loudestFrame):0}");
            if (Volatile.Read(ref _loudestFrame) < 500) await DumpAsync();
            Assert.True(Volatile.Read(ref _loudestFrame) >= 500, "no caller audio with energy reached the peer");
        }

        /// <summary>The page's getStats(): inbound audio packets growing and energy above zero.</summary>
        public async Task<PageStats> WaitForBrowserAudioAsync()
        {
            var first = await StatsAsync();
            var deadline = DateTime.UtcNow.AddSeconds(10);
            PageStats stats = first;
            while (DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
                stats = await StatsAsync();
                if (stats.PacketsReceived > first.PacketsReceived + 25 && stats.TotalAudioEnergy > 0) break;
            }
            _output.WriteLine($"browser stats: {first} → {stats}");
            if (!(stats.TotalAudioEnergy > 0)) await DumpAsync();
            Assert.True(stats.PacketsReceived > first.PacketsReceived, "inbound-rtp packetsReceived did not grow");
            Assert.True(stats.TotalAudioEnergy > 0, "inbound-rtp totalAudioEnergy stayed 0");
            return stats;
        }

        private async Task<PageStats> StatsAsync()
        {
            var s = await Browser.Page.EvaluateAsync<JsonElement>("() => window.stats()");
            return new PageStats(s.GetProperty("packetsReceived").GetInt64(), s.GetProperty("totalAudioEnergy").GetDouble(),
                s.GetProperty("packetsSent").GetInt64(), s.GetProperty("codec").GetString() ?? "", s.GetProperty("state").GetString() ?? "");
        }

        private async Task DumpAsync()
        {
            _output.WriteLine($"peer: {Server.Peer.State} {Server.Peer.FailureReason} {Server.Peer.Statistics}");
            try
            {
                var log = await Browser.Page.EvaluateAsync<string[]>("() => window.log");
                _output.WriteLine("page log: " + string.Join(" | ", log));
            }
            catch (PlaywrightException) { }
            lock (Browser.Console) foreach (var line in Browser.Console) _output.WriteLine(line);
        }

        public async ValueTask DisposeAsync()
        {
            await Browser.DisposeAsync();
            await Server.DisposeAsync();
        }
    }
}
