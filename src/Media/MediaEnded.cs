namespace Orchestrator.Media;

/// <summary>What ended a call's media, decided once where it happened so no layer above re-parses a sentence.</summary>
public enum MediaEndKind
{
    /// <summary>ICE or DTLS not done within the connect timeout.</summary>
    ConnectTimeout,

    /// <summary>The DTLS handshake failed or was refused (bad fingerprint, no common profile…).</summary>
    HandshakeFailed,

    /// <summary>The browser closed the DTLS session (an alert: pc.close() or a fatal error).</summary>
    RemoteClosed,

    /// <summary>No valid ICE consent check for the consent timeout (RFC 7675): the browser is gone.</summary>
    ConsentLost,

    /// <summary>The far end of a phone call hung up (BYE).</summary>
    RemoteHangup,

    /// <summary>A dialled call was not answered (busy, no answer, rejected, failed).</summary>
    NotAnswered,

    /// <summary>An answered call's dialog failed (BYE unanswered, transport error).</summary>
    DialogFailed,

    /// <summary>The media could not be set up at all (no trunk, no port, dialling threw).</summary>
    SetupFailed,
}

/// <summary>The end of a call's media: its kind and a sentence for people and logs.</summary>
public sealed record MediaEnded(MediaEndKind Kind, string Detail)
{
    /// <summary>The far end ended the call on purpose (a DTLS close, a SIP BYE).</summary>
    public bool ByRemote => Kind is MediaEndKind.RemoteClosed or MediaEndKind.RemoteHangup;

    public override string ToString() => $"{Kind}: {Detail}";
}
