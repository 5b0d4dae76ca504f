using System.Runtime.CompilerServices;
using Orchestrator.Speech.Recognition;
using Orchestrator.Speech.Synthesis;

namespace Orchestrator.Actors.Tests.Voice;

/// <summary>Speaks any text as a loud 440 Hz tone, <see cref="MsPerChar"/> per character, in 40 ms chunks:
/// easy to see on the wire, and its length is known.</summary>
internal sealed class ToneSynthesizer(int msPerChar = 60) : ISpeechSynthesizer
{
    public int MsPerChar => msPerChar;

    public static short[] Tone(int ms, double frequency = 440, double amplitude = 6000, int offset = 0) =>
        Enumerable.Range(offset, ms * 16).Select(i => (short)(amplitude * Math.Sin(2 * Math.PI * frequency * i / 16000))).ToArray();

    public async IAsyncEnumerable<short[]> SynthesizeAsync(string text, VoiceOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        int total = text.Length * msPerChar * 16;
        for (int at = 0; at < total; at += 640)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return Tone(Math.Min(640, total - at) / 16, offset: at);
            if (at % 6400 == 0) await Task.Yield();
        }
    }
}

/// <summary>Hears everything as <paramref name="text"/>: for tests where recognition is not the point.</summary>
internal sealed class ScriptedRecognizer(string text = "hello") : ISpeechRecognizer
{
    public IRecognitionStream CreateStream() => new Stream(text);

    private sealed class Stream(string text) : IRecognitionStream
    {
        private long _samples;
        public event EventHandler<RecognitionResult>? PartialResult;

        public void Push(ReadOnlySpan<short> pcm16k)
        {
            _samples += pcm16k.Length;
            if (_samples % 4800 < pcm16k.Length) PartialResult?.Invoke(this, new RecognitionResult(text, false, TimeSpan.FromSeconds(_samples / 16000.0)));
        }

        public Task<RecognitionResult> EndOfUtteranceAsync(CancellationToken cancellationToken = default)
        {
            var result = new RecognitionResult(_samples > 0 ? text : "", true, TimeSpan.FromSeconds(_samples / 16000.0));
            _samples = 0;
            return Task.FromResult(result);
        }

        public void Dispose() { }
    }
}

/// <summary>A recognizer whose streams fail on every push: the call must go on regardless.</summary>
internal sealed class BrokenRecognizer : ISpeechRecognizer
{
    public IRecognitionStream CreateStream() => new Stream();

    private sealed class Stream : IRecognitionStream
    {
        public event EventHandler<RecognitionResult>? PartialResult { add { } remove { } }
        public void Push(ReadOnlySpan<short> pcm16k) => throw new InvalidOperationException("decoder crashed");
        public Task<RecognitionResult> EndOfUtteranceAsync(CancellationToken cancellationToken = default) => throw new InvalidOperationException("decoder crashed");
        public void Dispose() { }
    }
}

/// <summary>
/// Counts the streams it makes and those disposed, and runs <see cref="BeforeReturn"/> as each is made
/// (on the loading task): a test can hang the session up right as its stream arrives.
/// </summary>
internal sealed class CountingRecognizer : ISpeechRecognizer
{
    private int _created, _disposed;
    public Action? BeforeReturn { get; set; }
    public int Created => Volatile.Read(ref _created);
    public int Disposed => Volatile.Read(ref _disposed);

    public IRecognitionStream CreateStream()
    {
        BeforeReturn?.Invoke();
        Interlocked.Increment(ref _created);
        return new Stream(this);
    }

    private sealed class Stream(CountingRecognizer owner) : IRecognitionStream
    {
        private int _disposed;
        public event EventHandler<RecognitionResult>? PartialResult { add { } remove { } }
        public void Push(ReadOnlySpan<short> pcm16k) { }
        public Task<RecognitionResult> EndOfUtteranceAsync(CancellationToken cancellationToken = default) =>
            Task.FromResult(new RecognitionResult("", true, TimeSpan.Zero));

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) Interlocked.Increment(ref owner._disposed);
        }
    }
}
