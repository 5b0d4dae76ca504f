using System.Net;
using Orchestrator.Media.Sdp;

namespace Orchestrator.Media.WebRtc;

public enum WebRtcPeerState { New, Offered, Answered, Connected, Failed, Closed }

/// <summary>Decoded caller audio after the jitter buffer: mono PCM at <see cref="SampleRate"/>
/// (always <see cref="WebRtcPeer.PcmSampleRate"/>, whatever the codec), normally one 20 ms frame.</summary>
public sealed record WebRtcAudioFrame(short[] Samples, int SampleRate, uint RtpTimestamp);

/// <summary>Why <see cref="WebRtcPeer.ApplyAnswer"/> refused an answer, or what it settled on.</summary>
public sealed record WebRtcAnswerResult(bool Accepted, string? Error, SdpCodec? Codec)
{
    public static WebRtcAnswerResult Ok(SdpCodec codec) => new(true, null, codec);
    public static WebRtcAnswerResult Rejected(string error) => new(false, error, null);
}

/// <summary>What the peer knows once media can flow.</summary>
public sealed record WebRtcConnection(IPEndPoint Remote, SdpCodec Codec, TimeSpan SinceAnswer);

/// <summary>What the amount of audio dropped by <see cref="WebRtcPeer.ClearPlayback"/> was, and
/// how far playback had got (samples at <see cref="WebRtcPeer.PcmSampleRate"/>).</summary>
public sealed record PlaybackCleared(long SentSamples, long DroppedSamples)
{
    public TimeSpan Sent => TimeSpan.FromSeconds(SentSamples / (double)WebRtcPeer.PcmSampleRate);
    public TimeSpan Dropped => TimeSpan.FromSeconds(DroppedSamples / (double)WebRtcPeer.PcmSampleRate);
}

/// <summary>A snapshot of the peer's counters.</summary>
public sealed record WebRtcPeerStatistics(
    long StunChecks, long StunRejected, long DtlsDatagrams, long RtpReceived, long RtcpReceived,
    long SrtpFailures, long Malformed, long FilteredRemote, long NotReady,
    long RtpSent, long RtcpSent, long SendErrors, long AudioFramesDelivered, long JitterLost,
    long PacerSkippedFrames, long SenderTicks);
