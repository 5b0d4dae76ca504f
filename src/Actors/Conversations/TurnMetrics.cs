using System.Diagnostics.Metrics;
using Orchestrator.Messages.Results;

namespace Orchestrator.Actors.Conversations;

/// <summary>
/// Where answers spend their time, on the service's meter (issue 10's turn histograms): the parts of
/// a turn the node's <c>orchestrator.turn.latency</c> (user turn to answer, seen at the socket)
/// cannot tell apart. Recorded by the conversation as it measures them, so every conversation counts,
/// with a socket or not; the channel is the only tag.
/// </summary>
public static class TurnMetrics
{
    private static readonly Histogram<double> FirstToken = Dialer.DialerMetrics.Meter.CreateHistogram<double>(
        "orchestrator.turn.first_token", "s", "From a user turn being final to the model's first token");
    private static readonly Histogram<double> FirstSentence = Dialer.DialerMetrics.Meter.CreateHistogram<double>(
        "orchestrator.turn.first_sentence", "s", "From a user turn being final to the answer's first complete sentence");
    private static readonly Histogram<double> FirstAudio = Dialer.DialerMetrics.Meter.CreateHistogram<double>(
        "orchestrator.turn.first_audio", "s", "Voice: from the end of the caller's turn to the answer's first audio");

    public static void Record(string channel, TurnLatency latency)
    {
        var tag = new KeyValuePair<string, object?>("channel", channel);
        if (latency.FirstTokenMs is { } token) FirstToken.Record(token / 1000.0, tag);
        if (latency.FirstSentenceMs is { } sentence) FirstSentence.Record(sentence / 1000.0, tag);
        if (latency.FirstAudioMs is { } audio) FirstAudio.Record(audio / 1000.0, tag);
    }
}
