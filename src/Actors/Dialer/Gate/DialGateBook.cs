using Orchestrator.Messages.Calls;

namespace Orchestrator.Actors.Dialer.Gate;

/// <summary>
/// The gate's bookkeeping, free of actors and clocks (time comes in as <c>now</c>): leases keyed by
/// conversation id, each holding one concurrency slot in each of its pools, and per pool the times of
/// recent dials so no one-second window holds more than the pool's CPS limit.
/// <para>
/// Two ways in: <see cref="Reserve"/> (the dispatcher, before it claims an attempt) takes the slots and
/// holds reservations to the CPS limit per one-second window (not spread: a round reserves a window's
/// worth at once), but takes no dial token; <see cref="Acquire"/> (the SIP side,
/// right before the INVITE) takes the dial token, and the slots too when the lease is new (a socket's
/// call). A reserved lease over the rate is told to wait, never refused, so a queued call is never
/// failed for a limit.
/// </para>
/// </summary>
public sealed class DialGateBook(TimeSpan reservationTimeout, TimeSpan maxLeaseAge)
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    private sealed class Pool(DialPool limits)
    {
        public DialPool Limits { get; set; } = limits;
        public int Active;
        public readonly Queue<DateTimeOffset> Dials = new();
        public readonly Queue<DateTimeOffset> Reservations = new();
        /// <summary>New leases in the last minute, for <see cref="DialPool.PerMinute"/>.</summary>
        public readonly Queue<DateTimeOffset> Starts = new();
    }

    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    /// <summary>The refusal texts end with the limit's field name, so a caller can tell which limit refused.</summary>
    public const string MaxConcurrentConversations = "maxConcurrentConversations";
    public const string MaxConversationsPerMinute = "maxConversationsPerMinute";

    private sealed class Lease(string key, List<string> pools, DateTimeOffset createdAt)
    {
        public string Key { get; } = key;
        public List<string> Pools { get; } = pools;
        public DateTimeOffset CreatedAt { get; } = createdAt;
        public DateTimeOffset? ReservedUntil { get; set; }
        public HashSet<string> Holders { get; } = [];
        public bool Dialled { get; set; }
    }

    private readonly Dictionary<string, Pool> _pools = new();
    private readonly Dictionary<string, Lease> _leases = new();

    public int ActiveIn(string poolKey) => _pools.TryGetValue(poolKey, out var p) ? p.Active : 0;
    public IReadOnlyDictionary<string, int> ActivePerPool => _pools.Where(p => p.Value.Active > 0).ToDictionary(p => p.Key, p => p.Value.Active);
    public int LeaseCount => _leases.Count;
    public bool Holds(string leaseKey) => _leases.ContainsKey(leaseKey);

    /// <summary>The dispatcher's reservation: slots in every pool, paced at each pool's CPS; held until a dial takes it over or it times out.</summary>
    public DialGateAnswer Reserve(string leaseKey, IReadOnlyList<DialPool> pools, DateTimeOffset now)
    {
        if (_leases.ContainsKey(leaseKey)) return DialGateAnswer.Yes;
        var pool = Pools(pools, now);
        if (Full(pool) is { } full) return new(false, full, TimeSpan.FromMilliseconds(200));
        if (RateWait(pool, p => p.Reservations, now, spread: false) is { } wait) return new(false, "cps", wait);
        foreach (var p in pool) { p.Active++; p.Reservations.Enqueue(now); }
        _leases[leaseKey] = new Lease(leaseKey, pool.Select(p => p.Limits.Key).ToList(), now) { ReservedUntil = now + reservationTimeout };
        return DialGateAnswer.Yes;
    }

    /// <summary>
    /// A dial about to send its INVITE, held by <paramref name="holder"/> (released when every holder
    /// has released or died). A new lease needs free slots and a dial token (refused otherwise); a
    /// reserved one needs only the token and is told how long to wait.
    /// </summary>
    public DialGateAnswer Acquire(string leaseKey, string holder, IReadOnlyList<DialPool> pools, DateTimeOffset now)
    {
        var pool = Pools(pools, now);
        if (_leases.TryGetValue(leaseKey, out var lease))
        {
            if (!lease.Dialled)
            {
                var all = Pools(lease.Pools.Where(k => pools.All(p => p.Key != k)).Select(k => _pools[k].Limits).Concat(pools).ToList(), now);
                if (RateWait(all, p => p.Dials, now, spread: true) is { } wait) return new(false, "cps", wait);
                foreach (var p in all) p.Dials.Enqueue(now);
                foreach (var extra in pool.Where(p => !lease.Pools.Contains(p.Limits.Key))) { extra.Active++; lease.Pools.Add(extra.Limits.Key); }
                lease.Dialled = true;
            }
            lease.Holders.Add(holder);
            lease.ReservedUntil = null;
            return DialGateAnswer.Yes;
        }
        if (Full(pool) is { } full) return new(false, full);
        if (pool.FirstOrDefault(p => RateWait([p], q => q.Dials, now, spread: true) is not null) is { } limited)
            return new(false, $"{Name(limited)} has reached its cpsLimit ({limited.Limits.CpsLimit} calls per second)");
        if (pool.FirstOrDefault(p => p.Limits.PerMinute is int perMinute && p.Starts.Count >= perMinute) is { } busy)
            return new(false, $"{Name(busy)} has reached its {MaxConversationsPerMinute} ({busy.Limits.PerMinute})");
        foreach (var p in pool) { p.Active++; p.Dials.Enqueue(now); if (p.Limits.PerMinute is not null) p.Starts.Enqueue(now); }
        _leases[leaseKey] = new Lease(leaseKey, pool.Select(p => p.Limits.Key).ToList(), now) { Dialled = true, Holders = { holder } };
        return DialGateAnswer.Yes;
    }

    /// <summary>A holder still holds its lease (after the gate moved, this rebuilds the lease without a dial token).</summary>
    public void Renew(string leaseKey, string holder, IReadOnlyList<DialPool> pools, DateTimeOffset now)
    {
        if (_leases.TryGetValue(leaseKey, out var lease)) { lease.Holders.Add(holder); return; }
        var pool = Pools(pools, now);
        foreach (var p in pool) p.Active++;
        _leases[leaseKey] = new Lease(leaseKey, pool.Select(p => p.Limits.Key).ToList(), now) { Dialled = true, Holders = { holder } };
    }

    /// <summary>A holder let go (or died): the lease ends when no holder and no reservation is left. Returns true when it ended.</summary>
    public bool Release(string leaseKey, string holder)
    {
        if (!_leases.TryGetValue(leaseKey, out var lease)) return false;
        lease.Holders.Remove(holder);
        if (lease.Holders.Count > 0 || lease.ReservedUntil is not null) return false;
        End(lease);
        return true;
    }

    /// <summary>Ends the lease whatever holds it (the dispatcher's reservation was not used).</summary>
    public void Drop(string leaseKey)
    {
        if (_leases.TryGetValue(leaseKey, out var lease)) End(lease);
    }

    /// <summary>Every lease of a holder that died.</summary>
    public IReadOnlyList<string> ReleaseHolder(string holder)
    {
        var ended = new List<string>();
        foreach (var lease in _leases.Values.Where(l => l.Holders.Contains(holder)).ToList())
            if (Release(lease.Key, holder)) ended.Add(lease.Key);
        return ended;
    }

    /// <summary>Ends reservations nobody dialled in time and leases older than the longest a call may last.</summary>
    public IReadOnlyList<string> Expire(DateTimeOffset now)
    {
        var expired = _leases.Values
            .Where(l => (l.Holders.Count == 0 && l.ReservedUntil is { } until && until <= now) || now - l.CreatedAt >= maxLeaseAge)
            .ToList();
        foreach (var lease in expired) End(lease);
        return expired.Select(l => l.Key).ToList();
    }

    private void End(Lease lease)
    {
        _leases.Remove(lease.Key);
        foreach (var key in lease.Pools)
            if (_pools.TryGetValue(key, out var p)) p.Active = Math.Max(0, p.Active - 1);
    }

    private List<Pool> Pools(IReadOnlyList<DialPool> limits, DateTimeOffset now)
    {
        var list = new List<Pool>(limits.Count);
        foreach (var l in limits)
        {
            if (!_pools.TryGetValue(l.Key, out var pool)) _pools[l.Key] = pool = new Pool(l);
            pool.Limits = l; // the latest limits win: a trunk's limits may be changed while calls run
            Trim(pool.Dials, WindowOf(l), now);
            Trim(pool.Reservations, WindowOf(l), now);
            Trim(pool.Starts, Minute, now);
            list.Add(pool);
        }
        return list;
    }

    /// <summary>A limit under one per second is one dial per 1/cps seconds.</summary>
    private static TimeSpan WindowOf(DialPool limits) =>
        limits.CpsLimit is double cps and > 0 and < 1 ? TimeSpan.FromSeconds(1 / cps) : Window;

    private static void Trim(Queue<DateTimeOffset> times, TimeSpan window, DateTimeOffset now)
    {
        while (times.Count > 0 && now - times.Peek() >= window) times.Dequeue();
    }

    private static string? Full(List<Pool> pools) =>
        pools.FirstOrDefault(p => p.Limits.MaxConcurrent is int max && p.Active >= max) is { } full
            ? $"{Name(full)} has reached its {(full.Limits.Key.StartsWith(DialPool.IntegrationPrefix, StringComparison.Ordinal) ? MaxConcurrentConversations : "maxConcurrentCalls")} ({full.Limits.MaxConcurrent})"
            : null;

    /// <summary>
    /// How long until every pool has room for one more event in its one-second window (and, with
    /// <paramref name="spread"/>, 1/cps after the last one), or null when all have.
    /// </summary>
    private static TimeSpan? RateWait(List<Pool> pools, Func<Pool, Queue<DateTimeOffset>> times, DateTimeOffset now, bool spread)
    {
        TimeSpan? wait = null;
        foreach (var p in pools)
        {
            if (p.Limits.CpsLimit is not double cps) continue;
            var q = times(p);
            if (q.Count == 0) continue;
            var perWindow = Math.Max(1, (int)Math.Floor(cps));
            // Dials are also spread 1/cps apart: a full window granted at once reaches the trunk as a
            // burst, and the delay from grant to INVITE then lets a peer's one-second window see more.
            var w = spread ? q.Last() + TimeSpan.FromSeconds(1 / cps) - now : TimeSpan.Zero;
            if (q.Count >= perWindow && q.Peek() + WindowOf(p.Limits) - now > w) w = q.Peek() + WindowOf(p.Limits) - now;
            if (w <= TimeSpan.Zero) continue;
            if (w < TimeSpan.FromMilliseconds(1)) w = TimeSpan.FromMilliseconds(1);
            if (wait is null || w > wait) wait = w;
        }
        return wait;
    }

    private static string Name(Pool p) => p.Limits.Key.Split(':', 2) switch
    {
        ["trunk", var id] => $"SIP trunk '{id}'",
        ["agent", var id] => $"Agent '{id}'",
        ["campaign", var id] => $"Campaign '{id}'",
        ["integration", var id] => $"Web integration '{id}'",
        _ => p.Limits.Key,
    };
}
