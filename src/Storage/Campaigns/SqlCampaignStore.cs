using System.Data.Common;
using System.Text.Json.Nodes;
using Orchestrator.Actors.Dialer.Ports;
using Orchestrator.Messages.Calls;
using Orchestrator.Messages.Campaigns;
using Orchestrator.Storage.Database;

namespace Orchestrator.Storage.Campaigns;

public sealed class SqlCampaignStore(SqlDialect dialect, TimeProvider time) : ICampaignStore, IDialerCampaigns
{
    /// <summary>The settings kept as a document (they never change after creation).</summary>
    private sealed record CampaignDoc(JsonObject? Retry, DateTimeOffset? CallDeadline, string? Timezone);

    private const string Columns = "id, name, agent_id, status, concurrency, cps_limit, created_at, completed_at, doc";

    public async Task<Campaign> CreateAsync(Campaign campaign, CancellationToken cancellationToken = default)
    {
        var now = DbExtensions.FromUnixMs(time.GetUtcNow().ToUnixMs());
        var stored = campaign with
        {
            CampaignId = string.IsNullOrEmpty(campaign.CampaignId) ? Guid.CreateVersion7().ToString() : campaign.CampaignId,
            Status = CampaignStatuses.Active, CreatedTime = now, CompletedTime = null,
        };
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var insert = dialect.Command(connection,
                $"INSERT INTO orch_campaigns ({Columns}) VALUES (@id, @name, @agent, @status, @concurrency, @cps, @created, NULL, @doc)")
            .With("@id", stored.CampaignId).With("@name", stored.Name).With("@agent", stored.AgentId).With("@status", stored.Status)
            .With("@concurrency", stored.Concurrency).With("@cps", stored.CpsLimit).With("@created", now.ToUnixMs())
            .With("@doc", StoredJson.Serialize(new CampaignDoc(stored.Retry, stored.CallDeadline, stored.Timezone)));
        await insert.ExecuteNonQueryAsync(cancellationToken);
        return stored;
    }

    public async Task<Campaign?> GetAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        var campaign = await ReadAsync(connection, "WHERE id = @id", c => c.With("@id", campaignId), cancellationToken);
        return campaign.Count == 0 ? null : await WithCountsAsync(connection, campaign[0], cancellationToken);
    }

    public async Task<PagedList<Campaign>> ListAsync(int skip, int take, CancellationToken cancellationToken = default)
    {
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var count = dialect.Command(connection, "SELECT COUNT(*) FROM orch_campaigns");
        var total = (int)await count.ScalarLongAsync(cancellationToken);
        var page = await ReadAsync(connection, "ORDER BY created_at, id LIMIT @take OFFSET @skip",
            c => c.With("@take", take).With("@skip", skip), cancellationToken);
        var items = new List<Campaign>();
        foreach (var c in page) items.Add(await WithCountsAsync(connection, c, cancellationToken));
        return new PagedList<Campaign>(items, total);
    }

    public async Task<bool> TransitionAsync(string campaignId, IReadOnlyList<string> from, string to, CancellationToken cancellationToken = default)
    {
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var update = dialect.Command(connection, "");
        var names = from.Select((s, i) => { update.With($"@f{i}", s); return $"@f{i}"; });
        update.CommandText = $"UPDATE orch_campaigns SET status = @to, completed_at = @completed WHERE id = @id AND status IN ({string.Join(", ", names)})";
        var final = to is CampaignStatuses.Completed or CampaignStatuses.Canceled;
        update.With("@id", campaignId).With("@to", to).With("@completed", final ? time.GetUtcNow().ToUnixMs() : null);
        return await update.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>The dispatcher's view: status and limits, without counts.</summary>
    async Task<DialerCampaign?> IDialerCampaigns.FindAsync(string campaignId, CancellationToken cancellationToken)
    {
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(cancellationToken);
        var found = await ReadAsync(connection, "WHERE id = @id", c => c.With("@id", campaignId), cancellationToken);
        return found.Count == 0 ? null : new DialerCampaign(found[0].CampaignId, found[0].Status, found[0].Concurrency, found[0].CpsLimit);
    }

    private async Task<List<Campaign>> ReadAsync(DbConnection connection, string tail, Action<DbCommand> parameters, CancellationToken ct)
    {
        await using var select = dialect.Command(connection, $"SELECT {Columns} FROM orch_campaigns {tail}");
        parameters(select);
        var list = new List<Campaign>();
        await using var r = await select.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var doc = StoredJson.Deserialize<CampaignDoc>(r.GetString(8));
            list.Add(new Campaign
            {
                CampaignId = r.GetString(0), Name = r.GetString(1), AgentId = r.GetString(2), Status = r.GetString(3),
                Concurrency = Convert.ToInt32(r.GetValue(4)), CpsLimit = r.IsDBNull(5) ? null : Convert.ToDouble(r.GetValue(5)),
                CreatedTime = DbExtensions.FromUnixMs(r.GetInt64(6)), CompletedTime = r.FromUnixMsOrNull(7),
                Retry = doc.Retry, CallDeadline = doc.CallDeadline, Timezone = doc.Timezone,
            });
        }
        return list;
    }

    private async Task<Campaign> WithCountsAsync(DbConnection connection, Campaign campaign, CancellationToken ct)
    {
        var counts = CallStatuses.All.ToDictionary(s => s, _ => 0);
        await using (var byStatus = dialect.Command(connection, "SELECT status, COUNT(*) FROM orch_calls WHERE campaign_id = @id GROUP BY status")
                         .With("@id", campaign.CampaignId))
        await using (var r = await byStatus.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) counts[r.GetString(0)] = Convert.ToInt32(r.GetValue(1));
        var outcomes = new Dictionary<string, int>();
        await using (var byOutcome = dialect.Command(connection,
                         "SELECT last_outcome, COUNT(*) FROM orch_calls WHERE campaign_id = @id AND last_outcome IS NOT NULL " +
                         "AND status IN ('Completed', 'Failed', 'Canceled') GROUP BY last_outcome")
                         .With("@id", campaign.CampaignId))
        await using (var r = await byOutcome.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) outcomes[r.GetString(0)] = Convert.ToInt32(r.GetValue(1));
        var total = counts.Values.Sum();
        var withTotal = new Dictionary<string, int> { ["total"] = total };
        foreach (var (k, v) in counts) withTotal[k] = v;

        var result = campaign with { Counts = withTotal, Outcomes = outcomes };
        var unfinished = counts[CallStatuses.Created] + counts[CallStatuses.Queued] + counts[CallStatuses.Running];
        if (campaign.Status is CampaignStatuses.Active or CampaignStatuses.Paused && total > 0 && unfinished == 0
            && await TransitionAsync(campaign.CampaignId, [CampaignStatuses.Active, CampaignStatuses.Paused], CampaignStatuses.Completed, ct))
            result = result with { Status = CampaignStatuses.Completed, CompletedTime = DbExtensions.FromUnixMs(time.GetUtcNow().ToUnixMs()) };
        return result;
    }
}
