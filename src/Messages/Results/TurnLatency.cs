using System.Text.Json.Serialization;

namespace Orchestrator.Messages.Results;

/// <summary>
/// <i>(ours)</i> Where the answer to a user turn spent its time, in milliseconds from the moment the
/// user's turn was final (chat: the message was received; voice: the end of the caller's turn).
/// A figure that does not apply is left out: a scripted reply has no tokens, a chat no audio.
/// </summary>
public sealed record TurnLatency
{
    /// <summary>The model's first text fragment reached the conversation (streaming engines only).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? FirstTokenMs { get; init; }

    /// <summary>The first complete sentence was ready to show or speak (a non-streamed reply: the whole reply).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? FirstSentenceMs { get; init; }

    /// <summary>Voice: the reply's first audio was sent to the caller.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? FirstAudioMs { get; init; }

    /// <summary>This one's figures, with <paramref name="later"/>'s where it has them.</summary>
    public TurnLatency With(TurnLatency later) => new()
    {
        FirstTokenMs = later.FirstTokenMs ?? FirstTokenMs,
        FirstSentenceMs = later.FirstSentenceMs ?? FirstSentenceMs,
        FirstAudioMs = later.FirstAudioMs ?? FirstAudioMs,
    };

    public static long Between(DateTimeOffset from, DateTimeOffset to) => Math.Max(0, (long)Math.Round((to - from).TotalMilliseconds));
}
