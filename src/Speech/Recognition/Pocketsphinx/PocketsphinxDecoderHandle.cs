using System.Runtime.InteropServices;

namespace Orchestrator.Speech.Recognition.Pocketsphinx;

/// <summary>
/// Owns a <c>ps_decoder_t</c>, the configuration it was built from, and the argument strings the
/// configuration may still point into (sphinxbase keys its table by the caller's argv pointers).
/// Creation and release run under <see cref="PocketsphinxProcess.Gate"/>; use goes through the
/// SafeHandle marshalling, so a disposal that races with a call waits for that call to return.
/// </summary>
internal sealed class PocketsphinxDecoderHandle : SafeHandle
{
    private IntPtr _config;
    private IntPtr[] _strings = [];

    public PocketsphinxDecoderHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>Loads the models; slow (hundreds of milliseconds), so decoders are pooled.</summary>
    public static PocketsphinxDecoderHandle Create(IReadOnlyList<string> arguments, string? logFile)
    {
        lock (PocketsphinxProcess.Gate)
        {
            PocketsphinxProcess.ConfigureLogOnce(logFile);
            return CreateUnderGate(arguments);
        }
    }

    private static PocketsphinxDecoderHandle CreateUnderGate(IReadOnlyList<string> arguments)
    {
        var strings = new IntPtr[arguments.Count + 1];
        strings[0] = Marshal.StringToCoTaskMemUTF8("pocketsphinx"); // argv[0], skipped by the parser
        for (int i = 0; i < arguments.Count; i++) strings[i + 1] = Marshal.StringToCoTaskMemUTF8(arguments[i]);

        IntPtr config = PocketsphinxNative.cmd_ln_parse_r(IntPtr.Zero, PocketsphinxNative.ps_args(), strings.Length, strings, 1);
        if (config == IntPtr.Zero)
        {
            Free(strings);
            throw new SpeechServiceException($"pocketsphinx rejected its configuration: {string.Join(' ', arguments)}");
        }
        IntPtr decoder = PocketsphinxNative.ps_init(config);
        if (decoder == IntPtr.Zero)
        {
            PocketsphinxNative.cmd_ln_free_r(config);
            Free(strings);
            throw new SpeechServiceException("pocketsphinx could not load its models (check the -hmm, -lm and -dict paths)");
        }
        var handle = new PocketsphinxDecoderHandle { _config = config, _strings = strings };
        handle.SetHandle(decoder);
        return handle;
    }

    protected override bool ReleaseHandle()
    {
        lock (PocketsphinxProcess.Gate)
        {
            PocketsphinxNative.ps_free(handle);
            if (_config != IntPtr.Zero) PocketsphinxNative.cmd_ln_free_r(_config);
            _config = IntPtr.Zero;
        }
        Free(_strings);
        _strings = [];
        return true;
    }

    private static void Free(IntPtr[] strings)
    {
        foreach (var s in strings) if (s != IntPtr.Zero) Marshal.FreeCoTaskMem(s);
    }
}
