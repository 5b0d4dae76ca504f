using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Orchestrator.Actors.Ports;
using Orchestrator.Actors.Sharding;
using Orchestrator.Messages.Conversations;

namespace Orchestrator.Actors.Conversations;

/// <summary>
/// A cluster singleton that wakes every live conversation when it starts, when a node leaves the
/// cluster and every few minutes. A conversation whose node went away is re-created on a live node,
/// recovers from its journal, and either resumes or ends with a stored result: none is left
/// half-finished.
/// </summary>
public sealed class ConversationReviver : ReceiveActor, IWithTimers
{
    private sealed record Sweep;
    private sealed record Page(IReadOnlyList<string> Ids);
    private sealed record PageFailed(string Reason);

    private const int PageSize = 500;
    private readonly ConversationRouter _conversations;
    private readonly ILiveConversationIndex _index;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private bool _sweeping;
    private bool _sweepAgain;
    private int _woken;

    public ITimerScheduler Timers { get; set; } = null!;

    public ConversationReviver(ConversationRouter conversations, ILiveConversationIndex index, TimeSpan interval)
    {
        _conversations = conversations;
        _index = index;
        Receive<Sweep>(_ => StartSweep());
        Receive<ClusterEvent.MemberRemoved>(_ => StartSweep());
        Receive<ClusterEvent.CurrentClusterState>(_ => { });
        Receive<Page>(OnPage);
        Receive<PageFailed>(f =>
        {
            _log.Warning("Reading the live-conversation index failed: {0}", f.Reason);
            _sweeping = false;
        });
        Timers.StartPeriodicTimer(nameof(Sweep), new Sweep(), TimeSpan.FromSeconds(1), interval);
    }

    public static Props Props(ConversationRouter conversations, ILiveConversationIndex index, TimeSpan interval) =>
        Akka.Actor.Props.Create(() => new ConversationReviver(conversations, index, interval));

    protected override void PreStart() =>
        Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot,
            typeof(ClusterEvent.MemberRemoved));

    protected override void PostStop() => Cluster.Get(Context.System).Unsubscribe(Self);

    private void StartSweep()
    {
        if (_sweeping)
        {
            _sweepAgain = true;
            return;
        }
        _sweeping = true;
        _woken = 0;
        Fetch(null);
    }

    private void Fetch(string? afterId) =>
        _index.ListLiveAsync(afterId, PageSize).PipeTo(Self,
            success: ids => new Page(ids), failure: ex => new PageFailed(ex.GetBaseException().Message));

    private void OnPage(Page page)
    {
        // By id: a pinned voice conversation is woken in the voice region, where its node (or, if that
        // node is gone, a live one) has it; any other in the chat region.
        foreach (var id in page.Ids) _conversations.Tell(new ConversationCommands.Wake(id));
        _woken += page.Ids.Count;
        if (page.Ids.Count == PageSize)
        {
            Fetch(page.Ids[^1]);
            return;
        }
        if (_woken > 0) _log.Info("Woke {0} live conversations", _woken);
        _sweeping = false;
        if (!_sweepAgain) return;
        _sweepAgain = false;
        StartSweep();
    }
}

/// <summary>The marker under which the reviver singleton is registered.</summary>
public sealed class ConversationReviverSingleton;
