using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Orchestrator.Actors.Voice;
using Orchestrator.Media.Sdp;
using Orchestrator.Speech.Recognition;
using Orchestrator.Speech.Recognition.Pocketsphinx;
using Orchestrator.Speech.Synthesis;
using Orchestrator.Speech.Synthesis.Espeak;
using Xunit.Abstractions;

namespace Orchestrator.Actors.Tests.Voice;

/// <summary>
/// A real <see cref="WebCallSession"/> under a test parent, against a simulated browser over
/// loopback UDP (ICE, DTLS, SRTP): the whole media path, with real or fake speech engines.
/// </summary>
[Collection(VoiceCollection.Name)]
public sealed class WebCallSessionTests(ITestOutputHelper output) : TestKit(output: output)
{
    private static readonly VoiceSessionSettings Settings = new("en-US", null, 1.0, TimeSpan.FromMilliseconds(600));
    private static readonly Lazy<PocketsphinxRecognizer> Pocketsphinx = new(() =>
    {
        var recognizer = new PocketsphinxRecognizer();
        recognizer.Prewarm(1);
        return recognizer;
    });

    static WebCallSessionTests()
    {
        // TestKit's Expect* block pool threads; on 2 cores the pool then starves the actors and the
        // timing measured here would be the pool's, not the session's.
        ThreadPool.GetMinThreads(out int workers, out int io);
        ThreadPool.SetMinThreads(Math.Max(workers, 16), io);
    }

    private IActorRef StartSession(ISpeechRecognizer? recognizer = null, ISpeechSynthesizer? synthesizer = null, MediaSettings? media = null)
    {
        var factory = new VoiceSessionFactory(media ?? new MediaSettings(), recognizer ?? new ScriptedRecognizer(), synthesizer ?? new ToneSynthesizer());
        return ChildActorOf(factory.WebCall(Settings));
    }

    /// <summary>Offer → answer → ICE and DTLS → MediaConnected.</summary>
    private async Task<(IActorRef Session, SimulatedBrowser Browser)> ConnectedCall(
        ISpeechRecognizer? recognizer = null, ISpeechSynthesizer? synthesizer = null, MediaSettings? media = null, Action<IActorRef>? beforeConnect = null)
    {
        var session = StartSession(recognizer, synthesizer, media);
        var offer = ExpectMsg<VoiceEvents.OfferReady>(TimeSpan.FromSeconds(5));
        var browser = new SimulatedBrowser();
        session.Tell(new VoiceCommands.ApplyAnswer(browser.Answer(offer.Sdp)), TestActor);
        var accepted = ExpectMsg<VoiceEvents.AnswerAccepted>();
        Assert.Equal(browser.CodecName, accepted.Codec, ignoreCase: true);
        beforeConnect?.Invoke(session);
        await browser.ConnectAsync(TimeSpan.FromSeconds(10));
        FishForMessage(m => m is VoiceEvents.MediaConnected, TimeSpan.FromSeconds(5));
        return (session, browser);
    }

    [Fact]
    public async Task Offer_answer_and_DTLS_connect_the_call()
    {
        var (session, browser) = await ConnectedCall();
        await using (browser)
        {
            Output!.WriteLine($"connected with {browser.CodecName}");
            session.Tell(new VoiceCommands.Hangup());
        }
    }

    [Fact]
    public void A_bad_answer_is_rejected_with_the_reason()
    {
        var session = StartSession();
        ExpectMsg<VoiceEvents.OfferReady>(TimeSpan.FromSeconds(5));
        session.Tell(new VoiceCommands.ApplyAnswer("hello"), TestActor);
        var rejected = ExpectMsg<VoiceEvents.AnswerRejected>();
        Assert.Contains("SDP", rejected.Error);
        session.Tell(new VoiceCommands.Hangup());
    }

    [Fact]
    public async Task Espeak_speech_from_the_browser_is_recognised_by_pocketsphinx()
    {
        // en-us+f2 is the espeak-ng voice the stock pocketsphinx model hears best (Speech tests).
        var speech = await Collect(new EspeakSynthesizer().SynthesizeAsync("book a table for two people", new VoiceOptions { Voice = "en-us+f2" }));
        var (session, browser) = await ConnectedCall(recognizer: Pocketsphinx.Value);
        await using (browser)
        {
            await Task.Delay(300); // the noise floor is learnt from the first frames
            browser.Say(speech);
            ExpectMsg<VoiceEvents.UserSpeechStarted>(TimeSpan.FromSeconds(3));
            var partials = new List<string>();
            var final = (VoiceEvents.UserSpeechFinal)FishForMessage(m =>
            {
                if (m is VoiceEvents.UserSpeechPartial p) partials.Add(p.Text);
                return m is VoiceEvents.UserSpeechFinal;
            }, TimeSpan.FromSeconds(10));
            Output!.WriteLine($"partials [{string.Join(" | ", partials)}]; final '{final.Text}' over {(final.EndedAt - final.StartedAt).TotalMilliseconds:F0} ms (speech {speech.Length / 16:F0} ms)");
            Assert.NotEqual("", final.Text);
            Assert.True(final.EndedAt > final.StartedAt);
            var words = final.Text.Split(' ');
            // A fresh decoder's first utterance is its weakest (Speech README): one key word is enough.
            Assert.True(new[] { "book", "table", "two", "people" }.Any(words.Contains), $"heard '{final.Text}'");
            session.Tell(new VoiceCommands.Hangup());
        }
    }

    [Fact]
    public async Task A_greeting_spoken_before_connect_leaves_on_connect_and_finishes_complete()
    {
        const string greeting = "Hello, how can I help?";
        var (session, browser) = await ConnectedCall(beforeConnect: s => s.Tell(new VoiceCommands.Speak(0, greeting, true)));
        await using (browser)
        {
            double connectedAt = browser.NowMs;
            double firstLoud = await browser.WaitForLoudAudioAsync(TimeSpan.FromSeconds(3));
            Output!.WriteLine($"first greeting audio {firstLoud - connectedAt:F0} ms after MediaConnected reached the test");
            var finished = ExpectMsg<VoiceEvents.SpeechFinished>(TimeSpan.FromSeconds(5));
            Assert.Equal(new { Index = 0, PlayedText = greeting, Complete = true }, new { finished.Index, finished.PlayedText, finished.Complete });
            var played = finished.EndedAt - finished.StartedAt;
            var loud = browser.Received.Where(r => r.Rms > 300).ToList();
            Output.WriteLine($"greeting played for {played.TotalMilliseconds:F0} ms (synthesised {greeting.Length * 60} ms); browser got {loud.Count} loud packets over {loud[^1].AtMs - loud[0].AtMs:F0} ms, first {loud[0].AtMs - connectedAt:F0} ms");
            Assert.InRange(played.TotalMilliseconds, greeting.Length * 60 - 150, greeting.Length * 60 + 400);

            // A second line after it, in order.
            session.Tell(new VoiceCommands.Speak(1, "One.", false));
            session.Tell(new VoiceCommands.Speak(2, "Two.", false));
            Assert.Equal(1, ExpectMsg<VoiceEvents.SpeechFinished>(TimeSpan.FromSeconds(3)).Index);
            Assert.Equal(2, ExpectMsg<VoiceEvents.SpeechFinished>(TimeSpan.FromSeconds(3)).Index);
            session.Tell(new VoiceCommands.Hangup());
        }
    }

    [Fact]
    public async Task Caller_speech_barges_in_and_the_cut_line_keeps_only_what_was_played()
    {
        var synthesizer = new ToneSynthesizer();
        string line = string.Join(' ', Enumerable.Repeat("this is a long answer that goes on", 6)); // ~12 s of tone
        var (session, browser) = await ConnectedCall(synthesizer: synthesizer);
        await using (browser)
        {
            session.Tell(new VoiceCommands.Speak(3, line, true));
            session.Tell(new VoiceCommands.Speak(4, "And a queued line.", true));
            await browser.WaitForLoudAudioAsync(TimeSpan.FromSeconds(3));
            await Task.Delay(1500);

            double saidAt = browser.NowMs;
            browser.Say(ToneSynthesizer.Tone(1500, frequency: 220, amplitude: 5000));
            var cut = (VoiceEvents.SpeechFinished)FishForMessage(m => m is VoiceEvents.SpeechFinished, TimeSpan.FromSeconds(2));
            double reportedAt = browser.NowMs;
            Assert.Equal(3, cut.Index);
            Assert.False(cut.Complete);
            Assert.NotEqual("", cut.PlayedText);
            Assert.StartsWith(cut.PlayedText, line);
            Assert.True(cut.PlayedText.Length < line.Length / 2, cut.PlayedText);
            var queued = FishForMessage<VoiceEvents.SpeechFinished>(_ => true, TimeSpan.FromSeconds(1));
            Assert.Equal(new { Index = 4, PlayedText = "", Complete = false }, new { queued.Index, queued.PlayedText, queued.Complete });

            await Task.Delay(400);
            double lastLoud = browser.LastLoudPacketAt() ?? 0;
            double stoppedAfter = lastLoud - saidAt;
            Output!.WriteLine($"barge-in: cut reported {reportedAt - saidAt:F0} ms after the caller's onset; last played packet arrived {stoppedAfter:F0} ms after it; heard '{cut.PlayedText}'");
            // The bar is 150 ms from onset; the browser starts sending up to 20 ms after Say and the
            // last packet on the wire is in flight, so a little slack for a loaded 2-core machine.
            Assert.InRange(stoppedAfter, 0, 250);
            session.Tell(new VoiceCommands.Hangup());
        }
    }

    [Fact]
    public async Task A_browser_that_stops_its_checks_fails_the_media_at_the_consent_timeout()
    {
        var (session, browser) = await ConnectedCall(media: new MediaSettings { ConsentTimeout = TimeSpan.FromSeconds(1) });
        await using (browser)
        {
            session.Tell(new VoiceCommands.Speak(7, "Still here?", true));
            browser.StopStun();
            var failed = (VoiceEvents.MediaFailed)FishForMessage(m => m is VoiceEvents.MediaFailed, TimeSpan.FromSeconds(4));
            Output!.WriteLine(failed.Reason);
            Assert.Contains("consent", failed.Reason);
            Assert.Equal(Orchestrator.Media.MediaEndKind.ConsentLost, failed.Kind);
            Assert.False(failed.BeforeConnect);
            Assert.False(failed.RemoteHungUp);
            session.Tell(new VoiceCommands.Speak(8, "Hello?", true));
            var finished = FishForMessage<VoiceEvents.SpeechFinished>(f => f.Index == 8, TimeSpan.FromSeconds(2));
            Assert.False(finished.Complete);
            session.Tell(new VoiceCommands.Hangup());
        }
    }

    [Fact]
    public async Task A_session_hung_up_as_its_recognition_stream_arrives_still_disposes_the_stream()
    {
        // The race of the 50-call burst: the stream loads, its StreamReady is queued behind the hang-up, and a
        // stopping actor never reads it. Twenty sessions, each hung up from the loading task itself.
        var recognizer = new CountingRecognizer();
        var current = new TaskCompletionSource<IActorRef>();
        recognizer.BeforeReturn = () => current.Task.Result.Tell(new VoiceCommands.Hangup());
        for (int i = 0; i < 20; i++)
        {
            current = new TaskCompletionSource<IActorRef>(TaskCreationOptions.RunContinuationsAsynchronously);
            var session = StartSession(recognizer);
            Watch(session);
            current.SetResult(session);
            // Its offer may come before the stop: skipped.
            FishForMessage(m => m is Terminated t && t.ActorRef.Equals(session), TimeSpan.FromSeconds(5));
        }
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (recognizer.Disposed < recognizer.Created && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.Equal((20, 20), (recognizer.Created, recognizer.Disposed));
    }

    [Fact]
    public async Task Hangup_stops_the_session_and_releases_its_port()
    {
        var session = StartSession();
        var offer = SdpParser.Parse(ExpectMsg<VoiceEvents.OfferReady>(TimeSpan.FromSeconds(5)).Sdp);
        int port = offer.Media[0].Candidates[0].Port;
        Watch(session);
        session.Tell(new VoiceCommands.Hangup());
        ExpectTerminated(session, TimeSpan.FromSeconds(3));
        var deadline = DateTime.UtcNow.AddSeconds(3);
        while (true)
        {
            try
            {
                using var rebound = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));
                break;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    [Fact]
    public async Task StopSpeaking_cuts_even_a_line_that_barge_in_may_not()
    {
        var (session, browser) = await ConnectedCall();
        await using (browser)
        {
            session.Tell(new VoiceCommands.Speak(1, "A line that will be stopped before it ends.", false));
            await browser.WaitForLoudAudioAsync(TimeSpan.FromSeconds(3));
            await Task.Delay(300);
            session.Tell(new VoiceCommands.StopSpeaking());
            var stopped = ExpectMsg<VoiceEvents.SpeechFinished>(TimeSpan.FromSeconds(2));
            Assert.False(stopped.Complete);
            Output!.WriteLine($"stopped after 300+ ms of a {stopped.PlayedText.Length}-character prefix: '{stopped.PlayedText}'");
            session.Tell(new VoiceCommands.Hangup());
        }
    }

    [Fact]
    public async Task A_failing_recognizer_gives_an_empty_final_and_the_call_goes_on()
    {
        var (session, browser) = await ConnectedCall(recognizer: new BrokenRecognizer());
        await using (browser)
        {
            await Task.Delay(200);
            browser.Say(ToneSynthesizer.Tone(500, frequency: 220, amplitude: 5000));
            ExpectMsg<VoiceEvents.UserSpeechStarted>(TimeSpan.FromSeconds(3));
            var final = FishForMessage<VoiceEvents.UserSpeechFinal>(_ => true, TimeSpan.FromSeconds(3));
            Assert.Equal("", final.Text);
            session.Tell(new VoiceCommands.Speak(1, "Sorry?", true));
            Assert.True(FishForMessage<VoiceEvents.SpeechFinished>(_ => true, TimeSpan.FromSeconds(3)).Complete);
            session.Tell(new VoiceCommands.Hangup());
        }
    }

    private static async Task<short[]> Collect(IAsyncEnumerable<short[]> chunks)
    {
        var all = new List<short>();
        all.AddRange(new short[16000 / 10]);
        await foreach (var chunk in chunks) all.AddRange(chunk);
        return all.ToArray();
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class VoiceCollection
{
    public const string Name = "voice calls (real time, UDP)";
}
