namespace Orchestrator.Actors.Conversations;

/// <summary>Tunables of conversation entities (bound from "Orchestrator:Conversations").</summary>
public sealed record ConversationSettings
{
    public const string Section = "Orchestrator:Conversations";

    /// <summary>How long a conversation waits for a Resume after its socket goes.</summary>
    public TimeSpan ResumeGracePeriod { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A dialogue step that takes longer is cancelled and treated as failed.</summary>
    public TimeSpan DialogueStepTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A failed step is retried this many times before the agent apologises and moves on.</summary>
    public int DialogueStepRetries { get; init; } = 1;

    /// <summary>Snapshot after this many events, so long conversations recover quickly.</summary>
    public int SnapshotEvery { get; init; } = 100;

    /// <summary>First delay before retrying a failed result save; doubles up to a minute.</summary>
    public TimeSpan ResultRetryBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a web call waits for the client's SDP answer before it fails to open.</summary>
    public TimeSpan SdpAnswerTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>DTMF digits keyed within this gap of each other (or ended with #) form one user turn.</summary>
    public TimeSpan DtmfGap { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the reviver wakes live conversations whose node may have gone (also on start and when a node leaves).</summary>
    public TimeSpan ReviveInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Said when the dialogue keeps failing, so the user is not left waiting.</summary>
    public string DialogueFailureReply { get; init; } = "Sorry, something went wrong on my side. Could you say that again?";
}
