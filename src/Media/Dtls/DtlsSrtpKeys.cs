using Orchestrator.Media.Srtp;

namespace Orchestrator.Media.Dtls;

/// <summary>The SRTP master keys a DTLS-SRTP handshake produced, from this side's point of view.</summary>
public sealed record DtlsSrtpKeys(SrtpMasterKey Local, SrtpMasterKey Remote, int ProtectionProfile)
{
    public const int ExportLength = 2 * (SrtpMasterKey.KeyLength + SrtpMasterKey.SaltLength);

    public static DtlsSrtpKeys FromExport(ReadOnlySpan<byte> material, bool isServer, int profile)
    {
        var (local, remote) = SrtpMasterKey.FromDtlsExport(material, isServer);
        return new DtlsSrtpKeys(local, remote, profile);
    }

    /// <summary>Contexts for sending (protect) and receiving (unprotect).</summary>
    public (SrtpContext Outbound, SrtpContext Inbound) CreateContexts() => (new SrtpContext(Local), new SrtpContext(Remote));
}
