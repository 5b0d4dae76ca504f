using System.Runtime.InteropServices;

namespace Orchestrator.Media.Codecs.Opus;

/// <summary>Whether libopus can be loaded here, so callers can fall back to PCMU instead of failing a call.</summary>
public static class OpusLibrary
{
    private static readonly Lazy<bool> Available = new(() =>
    {
        if (!NativeLibrary.TryLoad(OpusNative.Library, typeof(OpusLibrary).Assembly, null, out var handle)) return false;
        NativeLibrary.Free(handle);
        return true;
    });

    public static bool IsAvailable => Available.Value;
}
