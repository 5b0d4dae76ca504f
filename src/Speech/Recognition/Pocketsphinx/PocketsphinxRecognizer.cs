using System.Diagnostics;

namespace Orchestrator.Speech.Recognition.Pocketsphinx;

/// <summary>
/// The embedded recognizer: pocketsphinx through P/Invoke, one decoder per stream. Loading a decoder
/// reads the acoustic and language models, so decoders of disposed streams are kept for reuse;
/// <see cref="Prewarm"/> loads some before calls arrive. At most <see cref="PocketsphinxOptions.MaxDecoders"/>
/// exist at once; a stream beyond that is refused with <see cref="RecognizersExhaustedException"/>.
/// Thread-safe; decoders are created and freed one at a time process-wide (see <see cref="PocketsphinxProcess"/>).
/// </summary>
public sealed class PocketsphinxRecognizer : ISpeechRecognizer, IDisposable
{
    private readonly PocketsphinxOptions _options;
    private readonly IReadOnlyList<string> _arguments;
    private readonly object _poolGate = new(); // bookkeeping only: no native call is made under it
    private readonly Stack<PocketsphinxDecoderHandle> _idle = new();
    private int _inUse;
    private int _loaded;
    private bool _disposed;

    public PocketsphinxRecognizer(PocketsphinxOptions? options = null)
    {
        _options = options ?? new PocketsphinxOptions();
        if (_options.MaxDecoders < 1) throw new ArgumentOutOfRangeException(nameof(options), "MaxDecoders must be at least 1");
        if (_options.ExtraArguments.Any(a => a is "-logfn" or "-dither" or "-seed"))
            throw new ArgumentException("-logfn, -dither and -seed touch pocketsphinx's process-wide state; use LogFile and Dither", nameof(options));
        _arguments = _options.ToArguments();
        if (Problem(_options) is { } problem) throw new SpeechServiceException($"pocketsphinx is not usable: {problem}");
    }

    /// <summary>Why pocketsphinx cannot run with these options (naming the Debian package), or null.</summary>
    public static string? Problem(PocketsphinxOptions options)
    {
        if (!PocketsphinxNative.IsAvailable(out var error)) return error;
        foreach (var path in new[] { options.AcousticModel, options.Dictionary, options.Grammar ?? options.LanguageModel })
            if (!File.Exists(path) && !Directory.Exists(path))
                return $"pocketsphinx model file not found: {path} (Debian package pocketsphinx-en-us)";
        return null;
    }

    /// <summary>How long the last decoder took to load its models.</summary>
    public TimeSpan LastLoadTime { get; private set; }

    public int MaxDecoders => _options.MaxDecoders;

    public int PooledDecoders { get { lock (_poolGate) return _idle.Count; } }

    public int StreamsInUse => Volatile.Read(ref _inUse);

    /// <summary>Decoders loaded so far (a burst beyond the idle ones loads more, up to the bound).</summary>
    public int LoadedDecoders => Volatile.Read(ref _loaded);

    /// <summary>Loads decoders until <paramref name="count"/> are idle (bounded by <see cref="MaxDecoders"/>).</summary>
    public void Prewarm(int count)
    {
        while (true)
        {
            lock (_poolGate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_idle.Count >= Math.Min(count, _options.MaxDecoders) || _idle.Count + _inUse >= _options.MaxDecoders) return;
                _inUse++; // reserve the slot while loading outside the lock
            }
            PocketsphinxDecoderHandle decoder;
            try { decoder = Load(); }
            catch { Release(); throw; }
            Return(decoder);
        }
    }

    public IRecognitionStream CreateStream()
    {
        PocketsphinxDecoderHandle? decoder;
        lock (_poolGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_inUse >= _options.MaxDecoders) throw new RecognizersExhaustedException(_options.MaxDecoders);
            _inUse++;
            _idle.TryPop(out decoder);
        }
        try
        {
            decoder ??= Load();
        }
        catch
        {
            Release();
            throw;
        }
        return new PocketsphinxStream(decoder, this, _options.PartialInterval, _options.Dither);
    }

    /// <summary>A stream's decoder comes back: kept for the next stream unless the recognizer is gone.</summary>
    internal void Return(PocketsphinxDecoderHandle decoder)
    {
        lock (_poolGate)
        {
            _inUse--;
            if (!_disposed)
            {
                _idle.Push(decoder);
                return;
            }
        }
        decoder.Dispose();
    }

    private void Release()
    {
        lock (_poolGate) _inUse--;
    }

    private PocketsphinxDecoderHandle Load()
    {
        var watch = Stopwatch.StartNew();
        var decoder = PocketsphinxDecoderHandle.Create(_arguments, _options.LogFile);
        LastLoadTime = watch.Elapsed;
        Interlocked.Increment(ref _loaded);
        return decoder;
    }

    /// <summary>Frees the idle decoders; those of open streams are freed as their streams are disposed.</summary>
    public void Dispose()
    {
        PocketsphinxDecoderHandle[] idle;
        lock (_poolGate)
        {
            _disposed = true;
            idle = _idle.ToArray();
            _idle.Clear();
        }
        foreach (var decoder in idle) decoder.Dispose();
    }
}
