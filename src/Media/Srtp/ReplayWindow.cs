namespace Orchestrator.Media.Srtp;

/// <summary>
/// RFC 3711 §3.3.2 sliding replay window over packet indices: 64 packets behind the highest
/// authenticated index. <see cref="Check"/> before authenticating, <see cref="Accept"/> after,
/// so forged packets cannot move the window.
/// </summary>
internal struct ReplayWindow
{
    public const int Size = 64;

    private ulong _bitmap; // bit k = highest - k was received
    private long _highest;
    private bool _started;

    public readonly SrtpResult Check(long index)
    {
        if (!_started || index > _highest) return SrtpResult.Ok;
        long behind = _highest - index;
        if (behind >= Size) return SrtpResult.PacketTooOld;
        return (_bitmap & (1UL << (int)behind)) != 0 ? SrtpResult.ReplayedPacket : SrtpResult.Ok;
    }

    public void Accept(long index)
    {
        if (!_started)
        {
            _started = true;
            _highest = index;
            _bitmap = 1;
            return;
        }
        if (index > _highest)
        {
            long shift = index - _highest;
            _bitmap = shift >= Size ? 1 : (_bitmap << (int)shift) | 1;
            _highest = index;
        }
        else
        {
            _bitmap |= 1UL << (int)(_highest - index);
        }
    }
}
