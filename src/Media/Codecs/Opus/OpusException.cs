namespace Orchestrator.Media.Codecs.Opus;

public sealed class OpusException(int code, string operation)
    : Exception($"{operation} failed: {OpusNative.Describe(code)} ({code})")
{
    public int Code { get; } = code;
}
