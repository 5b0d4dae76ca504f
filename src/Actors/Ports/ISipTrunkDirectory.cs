using Orchestrator.Messages.Telephony;

namespace Orchestrator.Actors.Ports;

/// <summary>Where a phone call finds the trunk its agent dials through (with its credentials).</summary>
public interface ISipTrunkDirectory
{
    Task<SipTrunk?> FindAsync(string trunkId, CancellationToken cancellationToken = default);
}
