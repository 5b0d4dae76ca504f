namespace Orchestrator.Messages.Calls;

/// <summary>
/// One limited resource a call takes a share of: a trunk (<c>trunk:{id}</c>), an agent
/// (<c>agent:{id}</c>), a campaign (<c>campaign:{id}</c>) or a web integration's public token
/// (<c>integration:{id}</c>, whose conversations are counted). Null limits are unlimited.
/// </summary>
/// <param name="PerMinute">Leases started in any 60 seconds (web integrations' maxConversationsPerMinute).</param>
public sealed record DialPool(string Key, int? MaxConcurrent, double? CpsLimit, int? PerMinute = null)
{
    public const string IntegrationPrefix = "integration:";

    public static DialPool Integration(string id, int maxConcurrent, int perMinute) => new(IntegrationPrefix + id, maxConcurrent, null, perMinute);

    public static DialPool Trunk(string id, int? maxConcurrent, double? cps) => new($"trunk:{id}", maxConcurrent, cps);
    public static DialPool Agent(string id, int? maxConcurrent) => new($"agent:{id}", maxConcurrent, null);
    public static DialPool Campaign(string id, int? maxConcurrent, double? cps) => new($"campaign:{id}", maxConcurrent, cps);
}

/// <summary>The gate's answer: granted, or why not and when asking again may succeed.</summary>
public sealed record DialGateAnswer(bool Granted, string? Refusal = null, TimeSpan? RetryAfter = null) : IOrchestratorMessage
{
    public static readonly DialGateAnswer Yes = new(true);
}

/// <summary>
/// What the cluster's dial gate (a singleton) is asked. Leases are keyed by conversation id; the
/// sender of <see cref="Acquire"/> and <see cref="Renew"/> is the lease's holder, watched by the gate.
/// </summary>
public static class DialGateCommands
{
    /// <summary>The dispatcher's reservation of slots before it claims an attempt. Replies <see cref="DialGateAnswer"/>.</summary>
    public sealed record Reserve(string LeaseKey, IReadOnlyList<DialPool> Pools) : IOrchestratorMessage;

    /// <summary>A dial about to send its INVITE. Replies <see cref="DialGateAnswer"/>.</summary>
    public sealed record Acquire(string LeaseKey, IReadOnlyList<DialPool> Pools) : IOrchestratorMessage;

    /// <summary>The holder still holds the lease (sent periodically; rebuilds the lease on a new gate). No reply.</summary>
    public sealed record Renew(string LeaseKey, IReadOnlyList<DialPool> Pools) : IOrchestratorMessage;

    /// <summary>
    /// Every lease one node's holders still hold, sent by that node's renewer in one message per
    /// interval instead of one message per lease (thousands of sockets per node). No reply.
    /// </summary>
    public sealed record RenewMany(IReadOnlyList<HeldLease> Leases) : IOrchestratorMessage;

    /// <summary>The sender lets go of the lease. No reply.</summary>
    public sealed record Release(string LeaseKey) : IOrchestratorMessage;

    /// <summary>Ends a reservation that will not be dialled (the claim failed or the start was rejected). No reply.</summary>
    public sealed record Drop(string LeaseKey) : IOrchestratorMessage;

    /// <summary>Replies <see cref="Usage"/>.</summary>
    public sealed record GetUsage : IOrchestratorMessage
    {
        public static readonly GetUsage Instance = new();
    }

    /// <summary>Calls holding a slot now, in all and per pool.</summary>
    public sealed record Usage(int Leases, IReadOnlyDictionary<string, int> ActivePerPool) : IOrchestratorMessage;
}

/// <summary>A lease as its holder (watched by the gate like the sender of a single Renew) still holds it.</summary>
public sealed record HeldLease(string LeaseKey, IReadOnlyList<DialPool> Pools, Akka.Actor.IActorRef Holder);
