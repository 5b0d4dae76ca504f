namespace Orchestrator.Actors.Voice;

/// <summary>
/// The last few frames of caller audio: a turn is only detected some frames after it began, and
/// the recognizer needs the onset. Not thread-safe (the session actor owns it).
/// </summary>
public sealed class PreRollBuffer
{
    private readonly short[][] _frames;
    private int _next;
    private int _count;

    public PreRollBuffer(int capacityFrames)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacityFrames);
        _frames = new short[capacityFrames][];
    }

    public int Capacity => _frames.Length;
    public int Count => _count;

    /// <summary>Keeps a copy of the frame, dropping the oldest when full.</summary>
    public void Add(ReadOnlySpan<short> frame)
    {
        _frames[_next] = frame.ToArray();
        _next = (_next + 1) % _frames.Length;
        if (_count < _frames.Length) _count++;
    }

    /// <summary>The kept frames, oldest first; the buffer is empty afterwards.</summary>
    public IReadOnlyList<short[]> Drain()
    {
        var result = new List<short[]>(_count);
        int first = (_next - _count + _frames.Length) % _frames.Length;
        for (int i = 0; i < _count; i++)
        {
            int slot = (first + i) % _frames.Length;
            result.Add(_frames[slot]);
            _frames[slot] = null!;
        }
        _count = 0;
        return result;
    }
}
