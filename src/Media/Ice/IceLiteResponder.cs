using System.Net;
using Orchestrator.Media.Stun;

namespace Orchestrator.Media.Ice;

/// <summary>
/// The server side of ICE-lite (RFC 8445 §2.5, §7.3) as pure logic: validates connectivity checks,
/// builds the responses, tracks nomination and consent freshness (RFC 7675). The caller owns the
/// socket and the clock. A lite agent is always controlled and never sends checks itself.
/// Not thread-safe: drive it from the call's single receive loop.
/// </summary>
public sealed class IceLiteResponder
{
    private readonly byte[] _key;

    public IceLiteResponder(IceCredentials local, string? remoteUfrag = null)
    {
        Local = local;
        RemoteUfrag = remoteUfrag;
        _key = StunMessage.ShortTermKey(local.Password);
    }

    public IceCredentials Local { get; }

    /// <summary>The peer's ufrag from its SDP; until known, any right-hand side of USERNAME is accepted
    /// (checks can arrive before the answer is processed).</summary>
    public string? RemoteUfrag { get; set; }

    public string Software { get; init; } = "orchestrator";

    /// <summary>The remote address of the nominated pair, where media must go.</summary>
    public IPEndPoint? SelectedRemote { get; private set; }

    /// <summary>The last address that passed a check, usable before nomination completes.</summary>
    public IPEndPoint? LastValidatedRemote { get; private set; }

    public bool IsNominated => SelectedRemote is not null;

    /// <summary>When the last valid check arrived (consent freshness).</summary>
    public DateTimeOffset? LastCheck { get; private set; }

    /// <summary>True when consent was never given or has not been refreshed within <paramref name="timeout"/>.</summary>
    public bool IsExpired(DateTimeOffset now, TimeSpan timeout) => LastCheck is null || now - LastCheck.Value > timeout;

    public IceCheckResult Handle(ReadOnlySpan<byte> datagram, IPEndPoint remote, DateTimeOffset now)
    {
        if (!StunMessage.TryParse(datagram, out var request, out var parseError))
            return Ignore(remote, $"not STUN: {parseError}");
        if (request.Method != StunMethod.Binding || request.Class != StunClass.Request)
            return Ignore(remote, "not a Binding request");
        // A wrong FINGERPRINT means it may not be STUN at all: drop silently (RFC 8445 §7.3).
        if (request.HasFingerprint && !request.VerifyFingerprint())
            return Ignore(remote, "FINGERPRINT mismatch");

        var username = request.Username;
        if (username is null || !request.HasMessageIntegrity)
            return Reject(request, remote, StunErrorCodes.BadRequest, "Bad Request", "USERNAME and MESSAGE-INTEGRITY are required");
        var unknown = request.Attributes.Where(a => a.IsComprehensionRequired && !Understood(a.Type)).Select(a => a.Type).ToList();
        if (unknown.Count > 0)
            return Reject(request, remote, StunErrorCodes.UnknownAttribute, "Unknown Attribute", $"unknown attributes {string.Join(",", unknown.Select(t => $"0x{t:X4}"))}", unknown);
        int colon = username.IndexOf(':');
        bool usernameOk = colon > 0 && username[..colon] == Local.Ufrag && (RemoteUfrag is null || username[(colon + 1)..] == RemoteUfrag);
        if (!usernameOk)
            return Reject(request, remote, StunErrorCodes.Unauthorized, "Unauthorized", $"USERNAME '{username}' is not '{Local.Ufrag}:{RemoteUfrag ?? "*"}'");
        if (!request.VerifyMessageIntegrity(_key))
            return Reject(request, remote, StunErrorCodes.Unauthorized, "Unauthorized", "MESSAGE-INTEGRITY does not match the local password");
        // Both sides controlled: a lite agent cannot take the controlling role, so ask the peer to switch.
        if (request.IceControlled is not null)
            return Reject(request, remote, StunErrorCodes.RoleConflict, "Role Conflict", "peer claims the controlled role but this agent is ICE-lite", signed: true);

        LastCheck = now;
        LastValidatedRemote = remote;
        bool nominated = request.UseCandidate;
        if (nominated) SelectedRemote = remote;

        var response = new StunMessage(StunMethod.Binding, StunClass.SuccessResponse, request.TransactionId);
        response.AddXorMappedAddress(remote);
        response.AddSoftware(Software);
        return new IceCheckResult(IceCheckOutcome.Success, response.Write(_key, fingerprint: true), null, nominated, remote);
    }

    private static bool Understood(ushort type) => type is StunAttributeType.Username or StunAttributeType.MessageIntegrity
        or StunAttributeType.Priority or StunAttributeType.UseCandidate or StunAttributeType.Fingerprint
        or StunAttributeType.XorMappedAddress or StunAttributeType.ErrorCode or StunAttributeType.MessageIntegritySha256;

    private static IceCheckResult Ignore(IPEndPoint remote, string reason) => new(IceCheckOutcome.Ignored, null, reason, false, remote);

    private IceCheckResult Reject(StunMessage request, IPEndPoint remote, int code, string phrase, string reason, List<ushort>? unknown = null, bool signed = false)
    {
        var response = new StunMessage(StunMethod.Binding, StunClass.ErrorResponse, request.TransactionId);
        response.AddErrorCode(code, phrase);
        if (unknown is not null)
        {
            var value = new byte[unknown.Count * 2];
            for (int i = 0; i < unknown.Count; i++) System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(value.AsSpan(2 * i), unknown[i]);
            response.Add(StunAttributeType.UnknownAttributes, value);
        }
        response.AddSoftware(Software);
        // 400/401 go back unsigned: the requester's credentials are what failed (RFC 8489 §9.1.3).
        var bytes = signed ? response.Write(_key, fingerprint: true) : response.Write(fingerprint: true);
        return new IceCheckResult(IceCheckOutcome.Rejected, bytes, reason, false, remote);
    }
}
