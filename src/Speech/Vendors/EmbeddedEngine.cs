namespace Orchestrator.Speech.Vendors;

/// <summary>
/// An engine that runs inside the node (pocketsphinx, espeak-ng): created on first use, because a
/// node whose agents all use a remote vendor should not load a 100 MB model; or, when it was found
/// unusable at start-up, the reason (naming what to install).
/// </summary>
public sealed class EmbeddedEngine<T> where T : class
{
    private readonly Lazy<T>? _engine;

    private EmbeddedEngine(Func<T>? create, string? problem)
    {
        _engine = create is null ? null : new Lazy<T>(create, LazyThreadSafetyMode.ExecutionAndPublication);
        Problem = problem;
    }

    public static EmbeddedEngine<T> Usable(Func<T> create) => new(create, null);

    public static EmbeddedEngine<T> Unusable(string problem) => new(null, problem);

    /// <summary>Why the engine cannot run here, or null.</summary>
    public string? Problem { get; }

    /// <summary>The engine; only when <see cref="Problem"/> is null.</summary>
    public T Engine => _engine?.Value ?? throw new InvalidOperationException(Problem);

    public bool IsCreated => _engine?.IsValueCreated ?? false;
}
