using Orchestrator.Speech.Recognition.Pocketsphinx;

namespace Orchestrator.Speech.Tests.Support;

/// <summary>One recognizer for the whole run: model loading is the slow part.</summary>
public sealed class PocketsphinxFixture : IDisposable
{
    private readonly Lazy<PocketsphinxRecognizer> _recognizer = new(() =>
    {
        NativeTools.Require(Native.Pocketsphinx);
        return new PocketsphinxRecognizer();
    });

    public PocketsphinxRecognizer Recognizer => _recognizer.Value;

    public void Dispose()
    {
        if (_recognizer.IsValueCreated) _recognizer.Value.Dispose();
    }
}

/// <summary>
/// Tests that run espeak-ng or pocketsphinx share this collection, so they run one at a time: the
/// shared recognizer is loaded once and process-counting assertions see only their own children.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PocketsphinxCollection : ICollectionFixture<PocketsphinxFixture>
{
    public const string Name = "native speech tools";
}
