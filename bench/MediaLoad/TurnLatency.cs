using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Akka.Actor;
using Orchestrator.Actors.Voice;
using Orchestrator.Media.Codecs;
using Orchestrator.Speech.Recognition;
using Orchestrator.Speech.Synthesis;

namespace MediaLoad;

internal sealed record Turn(double RawMs, double EnginesMs, double ServerAddedMs, double EndpointMs, double SpeakToAudioMs, double VadEndVsLastPacketMs);
internal sealed record TurnResult(List<Turn> Turns, int Timeouts, double LeadInMs, double LoadAvg);

/// <summary>Time spent inside the fake engines and the fake dialogue, per call (sequential turns).</summary>
internal sealed class EngineClock
{
    public double AsrMs, DialogueMs, TtsMs;
    public double FinalAtMs = -1;       // UserSpeechFinal reached the parent (bench clock)
    public double VadEndedAtMs = -1;    // the session's EndedAt (end of the last speech frame), bench clock
    public readonly ConcurrentQueue<int> Finished = new();
    public void Reset() { AsrMs = DialogueMs = TtsMs = 0; FinalAtMs = VadEndedAtMs = -1; }
}

/// <summary>The fake ASR: every utterance is heard as the same text, at once.</summary>
internal sealed class InstantRecognizer(Func<EngineClock> current) : ISpeechRecognizer
{
    public IRecognitionStream CreateStream() => new Stream(current);

    private sealed class Stream(Func<EngineClock> current) : IRecognitionStream
    {
        public event EventHandler<RecognitionResult>? PartialResult { add { } remove { } }
        public void Push(ReadOnlySpan<short> pcm16k) { }
        public Task<RecognitionResult> EndOfUtteranceAsync(CancellationToken cancellationToken = default)
        {
            double t0 = Clock.NowMs;
            var result = Task.FromResult(new RecognitionResult("what time do you open", true, TimeSpan.Zero));
            current().AsrMs += Clock.NowMs - t0;
            return result;
        }
        public void Dispose() { }
    }
}

/// <summary>The fake TTS: a pre-rendered recording, yielded at once in 40 ms chunks (as the real
/// synthesizers chunk). Time inside it: from the start of the enumeration to the first chunk.</summary>
internal sealed class PrerenderedSynthesizer(short[] pcm, Func<EngineClock> current) : ISpeechSynthesizer
{
    public async IAsyncEnumerable<short[]> SynthesizeAsync(string text, VoiceOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        double t0 = Clock.NowMs;
        bool first = true;
        for (int at = 0; at < pcm.Length; at += 640)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var chunk = pcm.AsSpan(at, Math.Min(640, pcm.Length - at)).ToArray();
            if (first) { current().TtsMs += Clock.NowMs - t0; first = false; }
            yield return chunk;
        }
        await Task.CompletedTask;
    }
}

/// <summary>Stands in for the conversation: answers every UserSpeechFinal with a Speak at once (the fake dialogue).</summary>
internal sealed class BenchConversation : ReceiveActor
{
    public sealed record Answer(string Sdp);
    public sealed record Stop;

    public BenchConversation(Props session, EngineClock clock, TaskCompletionSource<string> offer, TaskCompletionSource connected,
        double utcOffsetMs)
    {
        var child = Context.ActorOf(session, "session");
        int index = 0;
        Receive<VoiceEvents.OfferReady>(m => offer.TrySetResult(m.Sdp));
        Receive<Answer>(m => child.Tell(new VoiceCommands.ApplyAnswer(m.Sdp)));
        Receive<VoiceEvents.AnswerRejected>(m => connected.TrySetException(new Exception(m.Error)));
        Receive<VoiceEvents.MediaConnected>(_ => connected.TrySetResult());
        Receive<VoiceEvents.MediaFailed>(m => connected.TrySetException(new Exception(m.Reason)));
        Receive<VoiceEvents.UserSpeechFinal>(m =>
        {
            double t0 = Clock.NowMs;
            clock.FinalAtMs = t0;
            clock.VadEndedAtMs = (m.EndedAt - DateTimeOffset.UnixEpoch).TotalMilliseconds - utcOffsetMs;
            child.Tell(new VoiceCommands.Speak(++index, "We open at noon.", true));
            clock.DialogueMs += Clock.NowMs - t0;
        });
        Receive<Stop>(_ => child.Tell(new VoiceCommands.StopSpeaking()));
        Receive<VoiceEvents.SpeechFinished>(m => clock.Finished.Enqueue(m.Index));
        ReceiveAny(_ => { });
    }
}

internal static class TurnLatency
{
    private const double LoudRms = 300;

    public static async Task<TurnResult> RunAsync(Options o, short[] reply)
    {
        var caller = RecordedAudio.Speak("What time do you open tomorrow?", "en-us+f2", o.AudioDir);
        var callerFrames = RecordedAudio.ToPcmuFrames(caller);
        var noise = RecordedAudio.NoiseFrames(500);
        // The reply's own lead-in (frames before its first loud one) is TTS content, not server time.
        int lead = 0;
        while ((lead + 1) * 320 <= reply.Length && RecordedAudio.Rms(reply.AsSpan(lead * 320, 320)) <= LoudRms) lead++;
        double leadInMs = lead * 20;

        // Bench clock ↔ wall clock (the session dates EndedAt with DateTimeOffset.UtcNow).
        double utcOffsetMs = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).TotalMilliseconds - Clock.NowMs;

        using var system = ActorSystem.Create("mediaload", "akka.loglevel = WARNING\nakka.stdout-loglevel = WARNING");
        var results = new ConcurrentBag<Turn>();
        int timeouts = 0;
        using var engine = new ClientEngine();
        var runs = Enumerable.Range(0, o.TurnCalls).Select(async callIndex =>
        {
            var clock = new EngineClock();
            var factory = new VoiceSessionFactory(new MediaSettings { OfferOpus = false },
                new InstantRecognizer(() => clock), new PrerenderedSynthesizer(reply, () => clock));
            var settings = new VoiceSessionSettings("en-US", null, 1.0, TimeSpan.FromMilliseconds(o.EndSilenceMs));
            var offer = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var conversation = system.ActorOf(Props.Create(() => new BenchConversation(factory.WebCall(settings), clock, offer, connected, utcOffsetMs)), $"conversation-{callIndex}");

            await using var browser = new BrowserCall { Id = callIndex };
            var speech = new ConcurrentQueue<byte[]>();
            double lastSpeechSentMs = -1, firstLoudMs = -1;
            int noiseAt = 0;
            browser.NextFrame = () =>
            {
                if (speech.TryDequeue(out var f))
                {
                    if (speech.IsEmpty) Volatile.Write(ref lastSpeechSentMs, Clock.NowMs);
                    return (f, false);
                }
                var n = noise[noiseAt];
                noiseAt = (noiseAt + 1) % noise.Length;
                return (n, false);
            };
            var codec = new PcmuCodec();
            bool armed = false;
            browser.OnAudio = (at, payload) =>
            {
                if (!Volatile.Read(ref armed)) return;
                if (RecordedAudio.Rms(codec.Decode(payload)) > LoudRms)
                {
                    Volatile.Write(ref firstLoudMs, at);
                    Volatile.Write(ref armed, false);
                }
            };
            string answer = browser.Answer(await offer.Task.WaitAsync(TimeSpan.FromSeconds(10)));
            engine.Add(browser);
            conversation.Tell(new BenchConversation.Answer(answer));
            await browser.ConnectAsync(TimeSpan.FromSeconds(15));
            await connected.Task.WaitAsync(TimeSpan.FromSeconds(15));
            await Task.Delay(500); // the VAD learns the noise floor

            for (int k = 0; k < o.Turns; k++)
            {
                clock.Reset();
                Volatile.Write(ref lastSpeechSentMs, -1);
                Volatile.Write(ref firstLoudMs, -1);
                foreach (var f in callerFrames) speech.Enqueue(f);
                while (Volatile.Read(ref lastSpeechSentMs) < 0) await Task.Delay(5);
                Volatile.Write(ref armed, true);
                var deadline = Clock.NowMs + 5000;
                while (Volatile.Read(ref firstLoudMs) < 0 && Clock.NowMs < deadline) await Task.Delay(2);
                Volatile.Write(ref armed, false);
                double loud = Volatile.Read(ref firstLoudMs), end = Volatile.Read(ref lastSpeechSentMs);
                if (loud < 0)
                {
                    Interlocked.Increment(ref timeouts);
                    Console.Error.WriteLine($"  call {callIndex} turn {k}: no reply audio within 5 s");
                }
                else
                {
                    double raw = loud - end - leadInMs;
                    double engines = clock.AsrMs + clock.DialogueMs + clock.TtsMs;
                    var turn = new Turn(raw, engines, raw - engines - o.EndSilenceMs,
                        clock.FinalAtMs - end - o.EndSilenceMs, loud - leadInMs - clock.FinalAtMs,
                        end - clock.VadEndedAtMs);
                    results.Add(turn);
                }
                // Stop the reply (it is not the point) and let the line go quiet before the next turn.
                conversation.Tell(new BenchConversation.Stop());
                await Task.Delay(400);
            }
            conversation.Tell(PoisonPill.Instance);
        }).ToArray();
        await Task.WhenAll(runs);
        await system.Terminate();
        return new TurnResult(results.ToList(), timeouts, leadInMs, Density.LoadAverage());
    }
}
