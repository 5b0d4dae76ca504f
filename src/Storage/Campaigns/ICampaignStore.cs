using Orchestrator.Messages.Campaigns;

namespace Orchestrator.Storage.Campaigns;

public interface ICampaignStore
{
    Task<Campaign> CreateAsync(Campaign campaign, CancellationToken cancellationToken = default);

    /// <summary>The campaign with its counts and outcomes; an Active or Paused one with calls and none waiting or running is Completed.</summary>
    Task<Campaign?> GetAsync(string campaignId, CancellationToken cancellationToken = default);

    Task<PagedList<Campaign>> ListAsync(int skip, int take, CancellationToken cancellationToken = default);

    /// <summary>Moves the campaign to <paramref name="to"/> if it is in one of <paramref name="from"/>; false otherwise.</summary>
    Task<bool> TransitionAsync(string campaignId, IReadOnlyList<string> from, string to, CancellationToken cancellationToken = default);
}
