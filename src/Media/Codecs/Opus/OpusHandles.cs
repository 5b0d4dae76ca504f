using Microsoft.Win32.SafeHandles;

namespace Orchestrator.Media.Codecs.Opus;

/// <summary>Owns an <c>OpusEncoder*</c>; destroyed exactly once even if the wrapper is not disposed.</summary>
internal sealed class OpusEncoderHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    protected override bool ReleaseHandle()
    {
        OpusNative.EncoderDestroy(handle);
        return true;
    }
}

/// <summary>Owns an <c>OpusDecoder*</c>.</summary>
internal sealed class OpusDecoderHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    protected override bool ReleaseHandle()
    {
        OpusNative.DecoderDestroy(handle);
        return true;
    }
}
