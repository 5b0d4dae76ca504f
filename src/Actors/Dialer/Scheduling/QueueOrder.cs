namespace Orchestrator.Actors.Dialer.Scheduling;

/// <summary>The position of a queued call: higher priority first, then older first, then by id so the order is total.</summary>
public readonly record struct QueuePosition(int Priority, DateTimeOffset CreatedTime, string CallId);

/// <summary>The order in which due calls start (the database index sorts the same way).</summary>
public sealed class QueueOrder : IComparer<QueuePosition>
{
    public static readonly QueueOrder Instance = new();

    public int Compare(QueuePosition x, QueuePosition y)
    {
        var byPriority = y.Priority.CompareTo(x.Priority);
        if (byPriority != 0) return byPriority;
        var byAge = x.CreatedTime.CompareTo(y.CreatedTime);
        return byAge != 0 ? byAge : string.CompareOrdinal(x.CallId, y.CallId);
    }
}
