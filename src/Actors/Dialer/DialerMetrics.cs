using System.Diagnostics.Metrics;

namespace Orchestrator.Actors.Dialer;

/// <summary>
/// The dialer's metrics. Its meter has the service's meter name ("Orchestrator"), so the node's
/// OpenTelemetry set-up exports it with the rest without Actors referencing the node. Tags are
/// bounded sets (trunk ids, outcomes, reasons), never call or campaign ids.
/// </summary>
public static class DialerMetrics
{
    public const string MeterName = "Orchestrator";
    /// <summary>The one meter of the actors' instruments (the conversations' turn figures use it too).</summary>
    internal static readonly Meter Meter = new(MeterName, "1.0");

    private static readonly Counter<long> Attempts = Meter.CreateCounter<long>(
        "orchestrator.dial.attempts", "{attempt}", "Dial attempts claimed and handed to a conversation, by trunk (their rate is the CPS)");
    private static readonly Counter<long> Outcomes = Meter.CreateCounter<long>(
        "orchestrator.dial.outcomes", "{attempt}", "How dial attempts ended, by outcome (the conversation's finish reason)");
    private static readonly Counter<long> Held = Meter.CreateCounter<long>(
        "orchestrator.dial.held", "{call}", "Due calls a dispatch round left waiting because a trunk, agent or campaign limit was reached");
    private static readonly Counter<long> Canceled = Meter.CreateCounter<long>(
        "orchestrator.calls.canceled", "{call}", "Queued calls canceled, by reason (deadline, deleted, campaign_canceled, start_webhook)");
    private static readonly Histogram<double> Rounds = Meter.CreateHistogram<double>(
        "orchestrator.dispatch.round.duration", "s", "Time of one dispatch round over the queue");

    public static void AttemptStarted(string? trunkId) => Attempts.Add(1, new KeyValuePair<string, object?>("trunk", trunkId ?? "none"));
    public static void AttemptEnded(string outcome) => Outcomes.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
    public static void HeldByLimit() => Held.Add(1);
    public static void CallCanceled(string reason) => Canceled.Add(1, new KeyValuePair<string, object?>("reason", reason));
    public static void Round(TimeSpan elapsed) => Rounds.Record(elapsed.TotalSeconds);
}
