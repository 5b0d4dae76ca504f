using Orchestrator.Messages.Telephony;

namespace Orchestrator.Storage.Telephony;

public interface ISipTrunkStore
{
    /// <summary>Trunks oldest first.</summary>
    Task<PagedList<SipTrunk>> ListAsync(int skip, int take, CancellationToken cancellationToken = default);

    Task<SipTrunk?> GetAsync(string trunkId, CancellationToken cancellationToken = default);

    /// <summary>Stores a new trunk with a new id. A name already used: <see cref="StorageConflictException"/>.</summary>
    Task<SipTrunk> CreateAsync(SipTrunk trunk, CancellationToken cancellationToken = default);

    /// <summary>Replaces the trunk, keeping its id and creation time (and its password when the new one is null). Null when absent.</summary>
    Task<SipTrunk?> ReplaceAsync(string trunkId, SipTrunk trunk, CancellationToken cancellationToken = default);

    Task<bool> DeleteAsync(string trunkId, CancellationToken cancellationToken = default);
}
