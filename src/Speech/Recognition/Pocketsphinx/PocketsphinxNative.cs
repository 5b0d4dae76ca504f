using System.Runtime.InteropServices;

namespace Orchestrator.Speech.Recognition.Pocketsphinx;

/// <summary>
/// The slice of the pocketsphinx 5prealpha C API (Debian 12: libpocketsphinx.so.3 over
/// libsphinxbase.so.3) that streaming decoding needs. The configuration is built with
/// <c>cmd_ln_parse_r</c> rather than the variadic <c>cmd_ln_init</c>, which P/Invoke cannot call.
/// </summary>
internal static partial class PocketsphinxNative
{
    public const string Library = "libpocketsphinx.so.3";
    public const string SphinxBase = "libsphinxbase.so.3";

    [LibraryImport(Library, EntryPoint = "ps_args")]
    public static partial IntPtr ps_args();

    [LibraryImport(SphinxBase, EntryPoint = "cmd_ln_parse_r")]
    public static partial IntPtr cmd_ln_parse_r(IntPtr inoutCmdln, IntPtr defn, int argc, IntPtr[] argv, int strict);

    [LibraryImport(SphinxBase, EntryPoint = "cmd_ln_free_r")]
    public static partial int cmd_ln_free_r(IntPtr cmdln);

    [LibraryImport(Library, EntryPoint = "ps_init")]
    public static partial IntPtr ps_init(IntPtr config);

    [LibraryImport(Library, EntryPoint = "ps_free")]
    public static partial int ps_free(IntPtr ps);

    [LibraryImport(Library, EntryPoint = "ps_start_utt")]
    public static partial int ps_start_utt(PocketsphinxDecoderHandle ps);

    [LibraryImport(Library, EntryPoint = "ps_process_raw")]
    public static unsafe partial int ps_process_raw(PocketsphinxDecoderHandle ps, short* data, nuint nSamples, int noSearch, int fullUtt);

    [LibraryImport(Library, EntryPoint = "ps_end_utt")]
    public static partial int ps_end_utt(PocketsphinxDecoderHandle ps);

    /// <summary>Returns a string owned by the decoder, valid until the next call on it.</summary>
    [LibraryImport(Library, EntryPoint = "ps_get_hyp")]
    public static partial IntPtr ps_get_hyp(PocketsphinxDecoderHandle ps, out int bestScore);

    /// <summary>Sets the process-wide log stream; NULL turns logging off. Not thread-safe in sphinxbase.</summary>
    [LibraryImport(SphinxBase, EntryPoint = "err_set_logfp")]
    public static partial void err_set_logfp(IntPtr file);

    /// <summary>Opens a file as the process-wide log and fcloses the previous one (what -logfn does per decoder).</summary>
    [LibraryImport(SphinxBase, EntryPoint = "err_set_logfile", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int err_set_logfile(string path);

    public static bool IsAvailable(out string? error)
    {
        try
        {
            if (!NativeLibrary.TryLoad(Library, out var lib)) { error = $"{Library} not found (Debian package libpocketsphinx3, pulled in by 'pocketsphinx')"; return false; }
            NativeLibrary.Free(lib);
            error = null;
            return true;
        }
        catch (Exception e)
        {
            error = e.Message;
            return false;
        }
    }
}
