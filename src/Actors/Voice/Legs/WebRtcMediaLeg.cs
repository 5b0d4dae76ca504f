using Orchestrator.Media.WebRtc;

namespace Orchestrator.Actors.Voice.Legs;

/// <summary>A browser call's media: the <see cref="WebRtcPeer"/> already speaks 16 kHz.</summary>
public sealed class WebRtcMediaLeg : IMediaLeg
{
    public WebRtcMediaLeg(WebRtcPeerOptions options)
    {
        Peer = new WebRtcPeer(options);
        Peer.Connected += c => Connected?.Invoke(new MediaLegConnected(
            $"{c.Codec.Name} from {c.Remote} ({c.SinceAnswer.TotalMilliseconds:F0} ms after the answer)"));
        // The peer says "closed the DTLS session (alert received)" when the browser hung up.
        Peer.Failed += ended => Failed?.Invoke(MediaLegFailure.From(ended));
        Peer.AudioFrame += f => AudioFrame?.Invoke(f.Samples);
        Peer.DtmfDigit += d => DtmfDigit?.Invoke(d);
    }

    /// <summary>For the signalling only a web call has (offer, answer).</summary>
    public WebRtcPeer Peer { get; }

    public event Action<MediaLegConnected>? Connected;
    public event Action<MediaLegFailure>? Failed;
    public event Action<short[]>? AudioFrame;
    public event Action<char>? DtmfDigit;

    public long SendAudio(short[] pcm16k) => Peer.SendAudio(pcm16k);

    public long PlaybackSentSamples => Peer.PlaybackSentSamples;

    public MediaLegCleared ClearPlayback()
    {
        var cleared = Peer.ClearPlayback();
        return new MediaLegCleared(cleared.SentSamples, cleared.Dropped);
    }

    public void SendDtmf(char digit) => Peer.SendDtmf(digit);

    public ValueTask DisposeAsync() => Peer.DisposeAsync();
}
