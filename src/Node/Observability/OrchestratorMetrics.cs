using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Orchestrator.Node.Observability;

/// <summary>
/// The service's metrics, one instrument per question an operator asks. Static so that actors,
/// endpoints and the dialer can record without being handed anything; the OpenTelemetry SDK
/// (Telemetry.cs) exports the meter to /metrics and, when configured, OTLP. The dialer's instruments
/// are in Actors (DialerMetrics), on a meter of the same name.
/// </summary>
public static class OrchestratorMetrics
{
    public const string MeterName = Orchestrator.Actors.Dialer.DialerMetrics.MeterName;
    public static readonly Meter Meter = new(MeterName, "1.0");

    private static readonly ConcurrentDictionary<string, int> ActiveByChannel = new();

    private static readonly Counter<long> ConversationsStarted = Meter.CreateCounter<long>(
        "orchestrator.conversations.started", "{conversation}", "Conversations started through a socket on this node");
    private static readonly Counter<long> ConversationsEnded = Meter.CreateCounter<long>(
        "orchestrator.conversations.ended", "{conversation}", "Conversations that ended while their socket was on this node");
    private static readonly Counter<long> Turns = Meter.CreateCounter<long>(
        "orchestrator.turns", "{turn}", "User turns the agent answered");
    private static readonly Histogram<double> TurnLatency = Meter.CreateHistogram<double>(
        "orchestrator.turn.latency", "s", "From a user turn to the agent's answer (voice: end of turn to first audio)");
    private static readonly Counter<long> BargeIns = Meter.CreateCounter<long>(
        "orchestrator.bargeins", "{bargein}", "Times a caller spoke over the agent and the agent stopped");
    private static readonly Counter<long> WebhookDeliveries = Meter.CreateCounter<long>(
        "orchestrator.webhook.deliveries", "{delivery}", "Webhook deliveries, by outcome (delivered, failed, retried)");
    private static readonly Histogram<double> JournalWriteLatency = Meter.CreateHistogram<double>(
        "orchestrator.journal.write.latency", "s", "Time of one journal write");

    static OrchestratorMetrics()
    {
        Meter.CreateObservableGauge("orchestrator.conversations.active",
            () => ActiveByChannel.Select(kv => new Measurement<int>(kv.Value, new KeyValuePair<string, object?>("channel", kv.Key))),
            "{conversation}", "Live conversations with a socket on this node, by channel");
    }

    public static void ConversationStarted(string channel)
    {
        ConversationsStarted.Add(1, Channel(channel));
        ActiveByChannel.AddOrUpdate(channel, 1, (_, n) => n + 1);
    }

    public static void ConversationEnded(string channel, string reason)
    {
        ConversationsEnded.Add(1, Channel(channel), new("reason", reason));
        ActiveByChannel.AddOrUpdate(channel, 0, (_, n) => Math.Max(0, n - 1));
    }

    /// <summary>A conversation's socket left this node without the conversation ending (it lives on, elsewhere or resumed).</summary>
    public static void ConversationLeftNode(string channel) =>
        ActiveByChannel.AddOrUpdate(channel, 0, (_, n) => Math.Max(0, n - 1));

    public static void TurnAnswered(string channel, TimeSpan latency)
    {
        Turns.Add(1, Channel(channel));
        TurnLatency.Record(latency.TotalSeconds, Channel(channel));
    }

    public static void BargeIn(string channel) => BargeIns.Add(1, Channel(channel));
    public static void WebhookDelivery(string outcome) => WebhookDeliveries.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
    public static void JournalWrite(TimeSpan elapsed) => JournalWriteLatency.Record(elapsed.TotalSeconds);

    private static KeyValuePair<string, object?> Channel(string channel) => new("channel", channel);
}

/// <summary>The service's traces: one per conversation, a span per turn.</summary>
public static class OrchestratorTracing
{
    public const string SourceName = "Orchestrator";
    public static readonly ActivitySource Source = new(SourceName, "1.0");
}
