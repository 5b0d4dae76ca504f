using System.Collections.Concurrent;
using System.Diagnostics;

namespace Orchestrator.Speech.Recognition.Pocketsphinx;

/// <summary>
/// The embedded recognizer: pocketsphinx through P/Invoke, one decoder per stream. Loading a decoder
/// reads the acoustic and language models, so decoders of disposed streams are kept in a pool;
/// <see cref="Prewarm"/> fills it before calls arrive. Thread-safe.
/// </summary>
public sealed class PocketsphinxRecognizer : ISpeechRecognizer, IDisposable
{
    private readonly PocketsphinxOptions _options;
    private readonly IReadOnlyList<string> _arguments;
    private readonly ConcurrentBag<PocketsphinxDecoderHandle> _pool = new();
    private volatile bool _disposed;

    public PocketsphinxRecognizer(PocketsphinxOptions? options = null)
    {
        _options = options ?? new PocketsphinxOptions();
        _arguments = _options.ToArguments();
        if (!PocketsphinxNative.IsAvailable(out var error)) throw new SpeechServiceException($"pocketsphinx is not usable: {error}");
        foreach (var path in new[] { _options.AcousticModel, _options.Dictionary, _options.Grammar ?? _options.LanguageModel })
            if (!File.Exists(path) && !Directory.Exists(path))
                throw new SpeechServiceException($"pocketsphinx model file not found: {path} (Debian package pocketsphinx-en-us)");
    }

    /// <summary>How long the last decoder took to load its models.</summary>
    public TimeSpan LastLoadTime { get; private set; }

    public int PooledDecoders => _pool.Count;

    /// <summary>Loads decoders until the pool holds <paramref name="count"/> (bounded by the options).</summary>
    public void Prewarm(int count)
    {
        while (_pool.Count < Math.Min(count, _options.MaxPooledDecoders)) _pool.Add(Load());
    }

    public IRecognitionStream CreateStream()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var decoder = _pool.TryTake(out var pooled) ? pooled : Load();
        return new PocketsphinxStream(decoder, this, _options.PartialInterval);
    }

    internal void Return(PocketsphinxDecoderHandle decoder)
    {
        if (_disposed || _pool.Count >= _options.MaxPooledDecoders) decoder.Dispose();
        else _pool.Add(decoder);
    }

    private PocketsphinxDecoderHandle Load()
    {
        var watch = Stopwatch.StartNew();
        var decoder = PocketsphinxDecoderHandle.Create(_arguments);
        LastLoadTime = watch.Elapsed;
        return decoder;
    }

    public void Dispose()
    {
        _disposed = true;
        while (_pool.TryTake(out var decoder)) decoder.Dispose();
    }
}
