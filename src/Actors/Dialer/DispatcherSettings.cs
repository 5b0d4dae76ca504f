namespace Orchestrator.Actors.Dialer;

/// <summary>The dispatcher's pace (Orchestrator:Dialer).</summary>
public sealed record DispatcherSettings
{
    public const string Section = "Orchestrator:Dialer";

    /// <summary>How often the queue is read when nothing else wakes the dispatcher.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);
    /// <summary>Due calls read per round.</summary>
    public int BatchSize { get; init; } = 200;
    /// <summary>Pages a round reads at most while every call it finds waits (full, paused or disabled pools ahead of others).</summary>
    public int PagesPerRound { get; init; } = 5;
    /// <summary>A claimed attempt whose conversation has not started after this is ended as <c>error</c>.</summary>
    public TimeSpan OrphanGrace { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>How often claimed attempts are checked for conversations that never started.</summary>
    public TimeSpan OrphanCheckInterval { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan AskTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
