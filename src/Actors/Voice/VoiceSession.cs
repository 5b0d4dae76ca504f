using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using Orchestrator.Actors.Voice.Legs;
using Orchestrator.Speech.Recognition;
using Orchestrator.Speech.Synthesis;
using Orchestrator.Speech.Vad;

namespace Orchestrator.Actors.Voice;

/// <summary>
/// The speech pipeline of one call, whatever its media (a web call's WebRTC peer, a phone call's
/// SIP leg): a child of its conversation that owns an <see cref="IMediaLeg"/>, finds the caller's
/// turns, streams them to recognition, speaks the assistant's lines in order and cuts them on
/// barge-in. Subclasses only create the leg and add their signalling.
///
/// The leg, the recognizer and the synthesizer call back on their own threads; everything they
/// report is told to this actor, so state is only touched here. Speech failures are caught and
/// reported as empty results: a broken recognizer or synthesizer must not end a call.
/// </summary>
public abstract class VoiceSession : ReceiveActor, IWithTimers
{
    // The pipeline's one rate, whatever the leg's codec: 16 kHz mono in 20 ms frames.
    private const int SampleRate = 16_000;
    private const int FrameSamples = SampleRate / 50;
    private static readonly TimeSpan FrameDuration = TimeSpan.FromMilliseconds(20);
    private const string PollTimer = "playback-poll";

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly VoiceSessionSettings _settings;
    private readonly ISpeechRecognizer _recognizer;
    private readonly ISpeechSynthesizer _synthesizer;
    private readonly VoicePipelineOptions _pipeline;
    private readonly VoiceOptions _voice;

    private IActorRef _self = ActorRefs.Nobody;
    private IActorRef _parent = ActorRefs.Nobody;
    private IMediaLeg? _leg;
    private bool _connected;
    private bool _mediaEnded;

    // Listening.
    private readonly Endpointer _endpointer;
    private sealed record AudioGapTick;
    private sealed record StatisticsTick;
    private const string StatisticsTimer = "media-statistics";
    private static readonly TimeSpan StatisticsEvery = TimeSpan.FromSeconds(1);
    private const string GapTimer = "audio-gap";
    private static readonly TimeSpan GapCheck = TimeSpan.FromMilliseconds(60);
    private long _lastAudioAt;
    private readonly PreRollBuffer _preRoll;
    private readonly List<short> _partialFrame = new(FrameSamples);
    private Task<IRecognitionStream>? _streamTask;
    private IRecognitionStream? _stream;
    private bool _streamBroken;
    private readonly List<short[]> _awaitingStream = [];
    private bool _inUtterance;
    private long _utterance;
    private DateTimeOffset _utteranceStartedAt;
    private (long Utterance, DateTimeOffset StartedAt, DateTimeOffset EndedAt)? _endAwaitingStream;
    private string _lastPartial = "";

    // Speaking, in order; the first is the one playing (or about to).
    private readonly List<SpokenLine> _lines = [];
    // The transcript line spoken last and what of it was heard (its sentences, when it streamed).
    private int _heardIndex = -1;
    private string _heard = "";
    private long _synthesisIds;

    protected VoiceSession(VoiceSessionSettings settings, ISpeechRecognizer recognizer,
        ISpeechSynthesizer synthesizer, VoicePipelineOptions? pipeline = null)
    {
        _settings = settings;
        _recognizer = recognizer;
        _synthesizer = synthesizer;
        _pipeline = pipeline ?? new VoicePipelineOptions();
        _voice = new VoiceOptions
        {
            Voice = settings.Voice,
            Speed = settings.Speed > 0 ? settings.Speed : 1.0,
            ChunkMilliseconds = _pipeline.SynthesisChunkMilliseconds,
        };
        _endpointer = new Endpointer(new EndpointerOptions
        {
            EndSilence = settings.EndOfTurnSilence > TimeSpan.Zero ? settings.EndOfTurnSilence : new EndpointerOptions().EndSilence,
            MinSpeech = _pipeline.MinSpeech,
        });
        _preRoll = new PreRollBuffer(Math.Max(1, (int)Math.Ceiling(_pipeline.PreRoll / FrameDuration)));
        Active();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Creates the call's media leg (on the actor's thread, in PreStart).</summary>
    protected abstract IMediaLeg CreateLeg();

    /// <summary>After the leg exists and its events are wired: make the offer, dial…</summary>
    protected abstract void LegCreated(IMediaLeg leg);

    /// <summary>The leg's own commands, while live.</summary>
    protected virtual void ActiveSignalling() { }

    /// <summary>The same commands after a restart, when the media is gone.</summary>
    protected virtual void ClosedSignalling() { }

    /// <summary>The leg, while the media lives.</summary>
    protected IMediaLeg? Leg => _leg;

    /// <summary>The conversation.</summary>
    protected IActorRef Conversation => _parent;

    protected ILoggingAdapter Log => _log;

    // ---- internal messages: what the leg, recognition and synthesis report, told to self ----

    private sealed record PeerConnected(MediaLegConnected Connection);
    private sealed record PeerFailed(MediaLegFailure Failure);
    private sealed record AudioIn(short[] Samples);
    private sealed record DtmfIn(char Digit);
    private sealed record HoldIn(bool Held);
    private sealed record StreamReady(IRecognitionStream Stream, Task Source);
    private sealed record StreamUnavailable(Exception Error);
    private sealed record PartialHeard(long Utterance, string Text);
    private sealed record FinalHeard(long Utterance, string Text, DateTimeOffset StartedAt, DateTimeOffset EndedAt, Exception? Error);
    private sealed record SynthesisChunk(long SynthesisId, short[] Pcm);
    private sealed record SynthesisEnded(long SynthesisId, Exception? Error);
    private sealed record PollPlayback;

    protected override void PreStart()
    {
        _self = Self;
        _parent = Context.Parent;
        var self = _self;
        var leg = CreateLeg();
        _leg = leg;
        leg.Connected += c => self.Tell(new PeerConnected(c));
        leg.Failed += f => self.Tell(new PeerFailed(f));
        leg.AudioFrame += f => self.Tell(new AudioIn(f));
        leg.DtmfDigit += d => self.Tell(new DtmfIn(d));
        leg.HoldChanged += h => self.Tell(new HoldIn(h));
        OpenStream();
        LegCreated(leg);
    }

    protected override void PreRestart(Exception reason, object message)
    {
        // A restarted session has no peer (keeping one across a restart would leak it on a bug):
        // the conversation learns the media is gone, as for any other media failure.
        _log.Error(reason, "voice session failed on {0}; its media is released", message.GetType().Name);
        if (!_mediaEnded)
            _parent.Tell(new VoiceEvents.MediaFailed($"voice session error: {reason.Message}", !_connected, false));
        base.PreRestart(reason, message); // PostStop releases the peer and the stream
    }

    protected override void PostRestart(Exception reason)
    {
        // No PreStart: the new incarnation only answers, it never makes a second offer or dial.
        _self = Self;
        _parent = Context.Parent;
        _mediaEnded = true;
        Become(Closed);
    }

    protected override void PostStop()
    {
        foreach (var line in _lines) line.CancelSynthesis();
        ReleaseLeg();
        ReleaseStream();
    }

    // ---- behaviours ----

    private void Active()
    {
        ActiveSignalling();
        Receive<VoiceCommands.Speak>(OnSpeak);
        Receive<VoiceCommands.StopSpeaking>(_ => CutAll());
        Receive<VoiceCommands.Hangup>(_ => OnHangup());

        Receive<PeerConnected>(OnConnected);
        Receive<PeerFailed>(m => OnFailed(m.Failure));
        Receive<AudioIn>(m => OnAudio(m.Samples));
        Receive<AudioGapTick>(_ => FillAudioGap());
        Receive<StatisticsTick>(_ => ReportStatistics());
        Receive<DtmfIn>(m => _parent.Tell(new VoiceEvents.DtmfReceived(m.Digit)));
        Receive<HoldIn>(m => _parent.Tell(new VoiceEvents.HoldChanged(m.Held)));

        Receive<StreamReady>(OnStreamReady);
        Receive<StreamUnavailable>(m =>
        {
            _log.Error(m.Error, "speech recognition unavailable for this call");
            _streamBroken = true;
            _awaitingStream.Clear();
            FinishAwaitingEnd("");
        });
        Receive<PartialHeard>(OnPartial);
        Receive<FinalHeard>(OnFinal);

        Receive<SynthesisChunk>(OnChunk);
        Receive<SynthesisEnded>(OnSynthesisEnded);
        Receive<PollPlayback>(_ => Poll());
    }

    /// <summary>After a restart: nothing to drive, every request answered so the conversation goes on.</summary>
    private void Closed()
    {
        ClosedSignalling();
        Receive<VoiceCommands.Speak>(m =>
        {
            var now = DateTimeOffset.UtcNow;
            _parent.Tell(new VoiceEvents.SpeechFinished(m.Index, "", false, now, now));
        });
        Receive<VoiceCommands.Hangup>(_ => Context.Stop(Self));
        // A stream that was loading is disposed by the old incarnation's PostStop.
        ReceiveAny(_ => { });
    }

    // ---- signalling and media state ----

    private void OnConnected(PeerConnected m)
    {
        if (_mediaEnded || _connected) return;
        _connected = true;
        _log.Info("media connected: {0}", m.Connection.Description);
        _parent.Tell(new VoiceEvents.MediaConnected());
        if (_lines.Count > 0) StartPolling();
        if (_leg?.Statistics is not null) Timers.StartPeriodicTimer(StatisticsTimer, new StatisticsTick(), StatisticsEvery);
    }

    /// <summary>The conversation keeps the latest figures and records them when it ends.</summary>
    private void ReportStatistics()
    {
        if (_leg?.Statistics is { } statistics) _parent.Tell(new VoiceEvents.MediaStatisticsUpdated(statistics));
    }

    private void OnFailed(MediaLegFailure failure)
    {
        if (_mediaEnded) return;
        _mediaEnded = true;
        bool remoteHungUp = _connected && failure.RemoteHungUp;
        _log.Info("media failed ({0}): {1}", _connected ? "after connect" : "before connect", failure.Reason);
        Timers.Cancel(StatisticsTimer);
        if (_connected) ReportStatistics(); // the figures as the far end hung up, before the end they cause
        _parent.Tell(new VoiceEvents.MediaFailed(failure.Reason, !_connected, remoteHungUp, failure.FinishReason, failure.Kind));
        CutAll();
        ReleaseLeg();
    }

    private void OnHangup()
    {
        CutAll();
        _mediaEnded = true;
        ReleaseLeg();
        ReleaseStream();
        Context.Stop(Self);
    }

    // ---- listening ----

    private void OpenStream()
    {
        var recognizer = _recognizer;
        // A fresh decoder takes a few hundred milliseconds to load: not on the actor's thread.
        var task = Task.Run(recognizer.CreateStream);
        _streamTask = task;
        task.PipeTo(_self, success: s => new StreamReady(s, task), failure: e => new StreamUnavailable(e));
    }

    private void OnStreamReady(StreamReady m)
    {
        // A stream whose task was released already (the session stopping, or a broken stream replaced) is
        // disposed by that task's continuation; only the current task's stream is taken.
        if (!ReferenceEquals(m.Source, _streamTask)) return;
        _stream = m.Stream;
        var self = _self;
        _stream.PartialResult += (_, r) => self.Tell(new PartialHeard(Volatile.Read(ref _utterance), r.Text));
        foreach (var frame in _awaitingStream) Push(frame);
        _awaitingStream.Clear();
        if (_endAwaitingStream is { } end)
        {
            _endAwaitingStream = null;
            EndUtterance(end.Utterance, end.StartedAt, end.EndedAt);
        }
    }

    private void OnAudio(short[] samples)
    {
        if (_mediaEnded) return;
        _lastAudioAt = Stopwatch.GetTimestamp();
        if (samples.Length == FrameSamples)
        {
            OnFrame(samples);
            return;
        }
        // Frames are normally 20 ms; anything else is regrouped so the endpointer sees whole frames.
        foreach (var s in samples)
        {
            _partialFrame.Add(s);
            if (_partialFrame.Count == FrameSamples)
            {
                var frame = _partialFrame.ToArray();
                _partialFrame.Clear();
                OnFrame(frame);
            }
        }
    }

    /// <summary>
    /// A line that stops sending mid-turn (a phone's media stream ends, a sender that mutes) is
    /// silence to the endpointer, or the caller's turn would never end.
    /// </summary>
    private void FillAudioGap()
    {
        if (!_inUtterance || _mediaEnded)
        {
            Timers.Cancel(GapTimer);
            return;
        }
        var missing = Stopwatch.GetElapsedTime(_lastAudioAt) - FrameDuration;
        if (missing < GapCheck) return;
        for (var i = 0; i < (int)(missing / FrameDuration) && _inUtterance; i++)
            OnFrame(new short[FrameSamples]);
        _lastAudioAt = Stopwatch.GetTimestamp();
    }

    private void OnFrame(short[] frame)
    {
        _preRoll.Add(frame);
        var now = DateTimeOffset.UtcNow;
        var ev = _endpointer.Process(frame);
        switch (ev)
        {
            case EndpointEvent.SpeechStarted started:
                _inUtterance = true;
                Interlocked.Increment(ref _utterance);
                _lastPartial = "";
                long framesAgo = _endpointer.FramesProcessed - 1 - started.FrameIndex;
                _utteranceStartedAt = now - framesAgo * FrameDuration;
                BargeIn();
                Timers.StartPeriodicTimer(GapTimer, new AudioGapTick(), GapCheck);
                _parent.Tell(new VoiceEvents.UserSpeechStarted());
                // The pre-roll holds the onset and this frame.
                foreach (var f in _preRoll.Drain()) Push(f);
                return;
            case EndpointEvent.SpeechEnded ended:
                if (_inUtterance) Push(frame);
                _inUtterance = false;
                Timers.Cancel(GapTimer);
                long sinceEnd = _endpointer.FramesProcessed - 1 - ended.FrameIndex;
                EndUtterance(_utterance, _utteranceStartedAt, now - sinceEnd * FrameDuration);
                return;
        }
        if (_inUtterance) Push(frame);
    }

    private void Push(short[] frame)
    {
        if (_streamBroken) return;
        if (_stream is null)
        {
            // Still loading: keep the turn (bounded to a minute) for when it is ready.
            if (_awaitingStream.Count < 3000) _awaitingStream.Add(frame);
            return;
        }
        try
        {
            _stream.Push(frame);
        }
        catch (Exception e)
        {
            _log.Error(e, "speech recognition failed; the rest of this turn is not recognised");
            _streamBroken = true;
        }
    }

    private void EndUtterance(long utterance, DateTimeOffset startedAt, DateTimeOffset endedAt)
    {
        if (_stream is null && !_streamBroken)
        {
            _endAwaitingStream = (utterance, startedAt, endedAt);
            return;
        }
        if (_streamBroken || _stream is null)
        {
            _parent.Tell(new VoiceEvents.UserSpeechFinal("", startedAt, endedAt));
            RecoverStream();
            return;
        }
        Task<RecognitionResult> final;
        try
        {
            final = _stream.EndOfUtteranceAsync();
        }
        catch (Exception e)
        {
            final = Task.FromException<RecognitionResult>(e);
        }
        final.PipeTo(_self,
            success: r => new FinalHeard(utterance, r.Text, startedAt, endedAt, null),
            failure: e => new FinalHeard(utterance, "", startedAt, endedAt, e));
    }

    private void FinishAwaitingEnd(string text)
    {
        if (_endAwaitingStream is not { } end) return;
        _endAwaitingStream = null;
        _parent.Tell(new VoiceEvents.UserSpeechFinal(text, end.StartedAt, end.EndedAt));
    }

    private void OnPartial(PartialHeard m)
    {
        if (m.Utterance != _utterance || !_inUtterance) return;
        string text = m.Text.Trim();
        if (text.Length == 0 || text == _lastPartial) return;
        _lastPartial = text;
        _parent.Tell(new VoiceEvents.UserSpeechPartial(text));
    }

    private void OnFinal(FinalHeard m)
    {
        if (m.Error is not null)
        {
            _log.Error(m.Error, "speech recognition failed at the end of a turn");
            _streamBroken = true;
            RecoverStream();
        }
        _parent.Tell(new VoiceEvents.UserSpeechFinal(m.Text.Trim(), m.StartedAt, m.EndedAt));
    }

    /// <summary>A failed stream is replaced for the next turn; a recognizer that keeps failing just
    /// gives empty finals.</summary>
    private void RecoverStream()
    {
        if (!_streamBroken || _streamTask is { IsCompleted: false }) return;
        ReleaseStream();
        _streamBroken = false;
        OpenStream();
    }

    // ---- speaking ----

    private void OnSpeak(VoiceCommands.Speak m)
    {
        if (_mediaEnded)
        {
            var now = DateTimeOffset.UtcNow;
            _parent.Tell(new VoiceEvents.SpeechFinished(m.Index, "", false, now, now));
            return;
        }
        _lines.Add(new SpokenLine(m.Index, m.Text, m.Interruptible));
        // Synthesised at once, even before the call connects: the greeting is then queued and its
        // first packet leaves on the first sender tick after connection.
        SynthesizeNext();
        if (_connected) StartPolling();
    }

    /// <summary>One synthesis at a time, in line order, so chunks reach the peer in order.</summary>
    private void SynthesizeNext()
    {
        if (_lines.Any(l => l.SynthesisStarted && !l.SynthesisDone)) return;
        var line = _lines.FirstOrDefault(l => !l.SynthesisStarted);
        if (line is null) return;
        line.SynthesisId = ++_synthesisIds;
        line.Synthesis = new CancellationTokenSource();
        long id = line.SynthesisId;
        var token = line.Synthesis.Token;
        var self = _self;
        var synthesizer = _synthesizer;
        var voice = _voice;
        string text = line.Text;
        _ = Task.Run(async () =>
        {
            try
            {
                await foreach (var chunk in synthesizer.SynthesizeAsync(text, voice, token).ConfigureAwait(false))
                {
                    if (token.IsCancellationRequested) return;
                    self.Tell(new SynthesisChunk(id, chunk));
                }
                self.Tell(new SynthesisEnded(id, null));
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested) { }
            catch (Exception e)
            {
                self.Tell(new SynthesisEnded(id, e));
            }
        });
    }

    private void OnChunk(SynthesisChunk m)
    {
        var line = _lines.FirstOrDefault(l => l.SynthesisId == m.SynthesisId);
        if (line is null || _leg is null || m.Pcm.Length == 0) return; // cut, or media gone
        long end = _leg.SendAudio(m.Pcm);
        line.Start ??= end - m.Pcm.Length;
        line.End = end;
    }

    private void OnSynthesisEnded(SynthesisEnded m)
    {
        var line = _lines.FirstOrDefault(l => l.SynthesisId == m.SynthesisId);
        if (line is null) return;
        line.SynthesisDone = true;
        line.Synthesis?.Dispose();
        line.Synthesis = null;
        if (m.Error is not null)
        {
            _log.Error(m.Error, "speech synthesis failed for line {0}", line.Index);
            line.SynthesisFailed = true;
        }
        SynthesizeNext();
        Poll();
    }

    private void StartPolling()
    {
        if (!Timers.IsTimerActive(PollTimer))
            Timers.StartPeriodicTimer(PollTimer, new PollPlayback(), _pipeline.PlaybackPoll);
    }

    /// <summary>Reports lines whose audio has all been sent, in order.</summary>
    private void Poll()
    {
        long sent = _leg?.PlaybackSentSamples ?? 0;
        var now = DateTimeOffset.UtcNow;
        while (_lines.Count > 0)
        {
            var line = _lines[0];
            if (line.Start is long start && line.StartedAt is null && sent > start) line.StartedAt = now;
            if (!line.SynthesisDone) break;
            if (line.Start is null)
            {
                // Nothing to play (punctuation only) or synthesis failed before any audio.
                Finish(line, line.SynthesisFailed ? "" : line.Text, !line.SynthesisFailed, now);
                continue;
            }
            if (sent < line.End) break;
            Finish(line, line.SynthesisFailed ? PlayedText.Prefix(line.Text, line.QueuedSamples, line.ExpectedSamples(SampleRate)) : line.Text,
                !line.SynthesisFailed, now);
        }
        if (_lines.Count == 0) Timers.Cancel(PollTimer);
    }

    private void Finish(SpokenLine line, string played, bool complete, DateTimeOffset now)
    {
        _lines.Remove(line);
        // A streamed reply is spoken a sentence at a time under one transcript index: what the caller
        // heard of that line is what they heard of all its sentences so far.
        var heard = line.Index == _heardIndex && _heard.Length > 0
            ? (played.Length > 0 ? _heard + " " + played : _heard)
            : played;
        _heardIndex = line.Index;
        _heard = heard;
        _parent.Tell(new VoiceEvents.SpeechFinished(line.Index, heard, complete, line.StartedAt ?? now, now));
    }

    private void BargeIn()
    {
        if (_lines.Count == 0 || !_lines[0].Interruptible) return;
        CutAll();
    }

    /// <summary>Stops playback now; every line reports what of it was heard.</summary>
    private void CutAll()
    {
        if (_lines.Count == 0) return;
        long sent;
        if (_leg is { } leg)
        {
            var cleared = leg.ClearPlayback();
            sent = cleared.SentSamples;
            _log.Debug("playback cleared: {0:F0} ms dropped", cleared.Dropped.TotalMilliseconds);
        }
        else sent = 0;
        var now = DateTimeOffset.UtcNow;
        foreach (var line in _lines.ToList())
        {
            line.CancelSynthesis();
            long played = line.Played(sent);
            long total = line.ExpectedSamples(SampleRate);
            bool complete = line.SynthesisDone && !line.SynthesisFailed && line.Start is not null && played >= total;
            string text = complete ? line.Text : PlayedText.Prefix(line.Text, played, total);
            Finish(line, text, complete, now);
        }
        Timers.Cancel(PollTimer);
    }

    // ---- release ----

    private void ReleaseLeg()
    {
        var leg = _leg;
        _leg = null;
        if (leg is null) return;
        // Disposal waits for receive loops (and a SIP BYE): off the actor's thread, errors only logged.
        var log = _log;
        _ = Task.Run(async () =>
        {
            try { await leg.DisposeAsync().ConfigureAwait(false); }
            catch (Exception e) { log.Warning("media leg disposal failed: {0}", e.Message); }
        });
    }

    private void ReleaseStream()
    {
        var stream = _stream;
        _stream = null;
        try { stream?.Dispose(); }
        catch (Exception e) { _log.Warning("recognition stream disposal failed: {0}", e.Message); }
        // A stream not taken yet is disposed from its task: still loading, or loaded with its StreamReady
        // still in the mailbox, which a stopping actor never reads (that one leaked a decoder per race).
        if (stream is null && _streamTask is { } pending)
            pending.ContinueWith(t => t.Result.Dispose(), TaskContinuationOptions.OnlyOnRanToCompletion);
        _streamTask = null;
    }
}
