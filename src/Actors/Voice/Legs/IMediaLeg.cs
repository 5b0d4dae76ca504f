using Orchestrator.Media;

namespace Orchestrator.Actors.Voice.Legs;

/// <summary>
/// One call's media as the speech pipeline sees it, whatever carries it (a WebRTC peer, a SIP call
/// with its RTP session): 16 kHz mono PCM both ways, a playback position in samples sent, digits.
/// Events come on the leg's own threads; a session actor only tells itself.
/// </summary>
public interface IMediaLeg : IAsyncDisposable
{
    /// <summary>Media flows (ICE+DTLS done; the callee answered). Raised at most once.</summary>
    event Action<MediaLegConnected>? Connected;

    /// <summary>The media ended or could not start. Raised at most once.</summary>
    event Action<MediaLegFailure>? Failed;

    /// <summary>Caller audio, 16 kHz mono, normally 20 ms frames.</summary>
    event Action<short[]>? AudioFrame;

    event Action<char>? DtmfDigit;

    /// <summary>The far end put the call on hold (true) or took it off (false); legs without hold never raise it.</summary>
    event Action<bool>? HoldChanged { add { } remove { } }

    /// <summary>Queues 16 kHz PCM; returns the playback position (samples) at the end of it.</summary>
    long SendAudio(short[] pcm16k);

    /// <summary>Samples of queued audio actually sent so far, on the scale of <see cref="SendAudio"/>.</summary>
    long PlaybackSentSamples { get; }

    /// <summary>Drops everything queued (barge-in); returns what was sent and what was dropped.</summary>
    MediaLegCleared ClearPlayback();

    void SendDtmf(char digit);

    /// <summary>The media's figures so far, for the result; null where the leg keeps none.</summary>
    Orchestrator.Messages.Results.MediaStatistics? Statistics => null;
}

public sealed record MediaLegConnected(string Description);

/// <summary>
/// Why a leg ended. <paramref name="RemoteHungUp"/>: the far end ended it on purpose.
/// <paramref name="FinishReason"/>: the result's finish reason when the leg knows it (SIP busy…).
/// <paramref name="Kind"/>: the typed cause, decided where it happened (every leg sets it; optional
/// only so that older constructions still compile).
/// </summary>
public sealed record MediaLegFailure(string Reason, bool RemoteHungUp, string? FinishReason = null, MediaEndKind? Kind = null)
{
    public static MediaLegFailure From(MediaEnded ended, string? finishReason = null) =>
        new(ended.Detail, ended.ByRemote, finishReason, ended.Kind);
}

public sealed record MediaLegCleared(long SentSamples, TimeSpan Dropped);
