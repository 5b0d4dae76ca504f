namespace Orchestrator.Speech.Recognition.Pocketsphinx;

/// <summary>
/// What pocketsphinx 5prealpha shares across the whole process, and the one lock that guards it.
///
/// Loading a decoder (<c>cmd_ln_parse_r</c>, <c>ps_init</c>) and freeing one (<c>ps_free</c>,
/// <c>cmd_ln_free_r</c>) are not safe to run on two threads at once, so they all run under
/// <see cref="Gate"/>, wherever they are called from (including a SafeHandle's finalizer).
///
/// The log is the other shared piece: sphinxbase keeps one global <c>FILE*</c>, and every decoder
/// created with <c>-logfn</c> opens a new one and fcloses the old one, while decoders on other threads
/// may be writing to it (the node's <c>free(): invalid pointer</c> crash). So the log is set here,
/// once per process, and decoders are never given <c>-logfn</c>. Decoding itself touches only the
/// decoder's own state, once dither (sphinxbase's global random generator) is done by the stream.
/// </summary>
internal static class PocketsphinxProcess
{
    public static readonly object Gate = new();

    private static bool _logConfigured;

    /// <summary>Call under <see cref="Gate"/>: the first call wins, later ones are ignored.</summary>
    public static void ConfigureLogOnce(string? logFile)
    {
        if (_logConfigured) return;
        _logConfigured = true;
        if (string.IsNullOrEmpty(logFile) || logFile == "/dev/null")
            PocketsphinxNative.err_set_logfp(IntPtr.Zero); // off: nothing is written anywhere
        else if (PocketsphinxNative.err_set_logfile(logFile) < 0)
            PocketsphinxNative.err_set_logfp(IntPtr.Zero);
    }
}
