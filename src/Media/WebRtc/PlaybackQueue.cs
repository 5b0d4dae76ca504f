namespace Orchestrator.Media.WebRtc;

/// <summary>
/// Outbound audio waiting to be paced out, in fixed frames, with positions on one running sample
/// axis so a caller can tell how much of what it queued was actually sent: <see cref="Enqueue"/>
/// returns where a chunk ends, <see cref="Sent"/> says how far playback got. After a barge-in,
/// the part of an utterance queued at [start, end) that was heard is
/// <c>clamp(Sent − start, 0, end − start)</c>. Thread-safe (the producer is the actor, the
/// consumer the pacer).
/// </summary>
public sealed class PlaybackQueue
{
    private readonly object _gate = new();
    private readonly Queue<short[]> _frames = new();
    private readonly short[] _partial;
    private int _partialCount;
    private long _queuedEnd;
    private long _sent;

    public PlaybackQueue(int frameSamples)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frameSamples);
        FrameSamples = frameSamples;
        _partial = new short[frameSamples];
    }

    public int FrameSamples { get; }

    /// <summary>Samples handed to the network so far (padding excluded).</summary>
    public long Sent { get { lock (_gate) return _sent; } }

    /// <summary>Position just after the last queued sample.</summary>
    public long QueuedEnd { get { lock (_gate) return _queuedEnd; } }

    /// <summary>Samples queued and not yet sent.</summary>
    public long Pending { get { lock (_gate) return _queuedEnd - _sent; } }

    /// <summary>Queues PCM of any length; returns the position at which it ends.</summary>
    public long Enqueue(ReadOnlySpan<short> pcm)
    {
        lock (_gate)
        {
            while (!pcm.IsEmpty)
            {
                int take = Math.Min(pcm.Length, FrameSamples - _partialCount);
                pcm[..take].CopyTo(_partial.AsSpan(_partialCount));
                _partialCount += take;
                _queuedEnd += take;
                pcm = pcm[take..];
                if (_partialCount == FrameSamples)
                {
                    _frames.Enqueue((short[])_partial.Clone());
                    _partialCount = 0;
                }
            }
            return _queuedEnd;
        }
    }

    /// <summary>
    /// The next frame to send, or false when nothing is queued. A trailing partial frame is sent
    /// padded with silence only once no whole frame is left: that is an underrun, so silence is
    /// what would be heard anyway, and the end of an utterance is not held back.
    /// </summary>
    public bool TryDequeue(out short[] frame)
    {
        lock (_gate)
        {
            if (_frames.TryDequeue(out frame!))
            {
                _sent += FrameSamples;
                return true;
            }
            if (_partialCount == 0) return false;
            frame = new short[FrameSamples];
            _partial.AsSpan(0, _partialCount).CopyTo(frame);
            _sent += _partialCount;
            _partialCount = 0;
            return true;
        }
    }

    /// <summary>Drops everything not yet sent (barge-in); returns how many samples were dropped.
    /// Later audio is queued from the current <see cref="Sent"/> position.</summary>
    public long Clear()
    {
        lock (_gate)
        {
            long dropped = _queuedEnd - _sent;
            _frames.Clear();
            _partialCount = 0;
            _queuedEnd = _sent;
            return dropped;
        }
    }
}
