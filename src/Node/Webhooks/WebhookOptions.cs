namespace Orchestrator.Node.Webhooks;

/// <summary>The webhook sender of this node, bound from "Orchestrator:Webhooks" and checked at start-up.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Orchestrator:Webhooks";

    /// <summary>Off: this node sends nothing (another node's sender will); deliveries are still written.</summary>
    public bool SenderEnabled { get; set; } = true;

    /// <summary>How often the outbox is read when nothing woke the sender (a delivery written here wakes it at once).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>At most this many deliveries claimed in one read.</summary>
    public int BatchSize { get; set; } = 50;

    /// <summary>At most this many deliveries in flight at once on this node.</summary>
    public int Concurrency { get; set; } = 16;

    internal IEnumerable<string> Problems()
    {
        if (PollInterval <= TimeSpan.Zero || PollInterval > TimeSpan.FromMinutes(5))
            yield return $"{Section}:PollInterval must be greater than 0 and at most 00:05:00.";
        if (BatchSize is < 1 or > 1000)
            yield return $"{Section}:BatchSize must be from 1 to 1000.";
        if (Concurrency is < 1 or > 1000)
            yield return $"{Section}:Concurrency must be from 1 to 1000.";
    }
}
