namespace Orchestrator.Actors.Voice;

/// <summary>
/// What an onPhone conversation dials: the endpoint (a number or a SIP URI) through the agent's trunk.
/// <paramref name="ConversationId"/> keys the dial's lease at the dial gate (a queued call's slot was reserved under it).
/// </summary>
public sealed record PhoneDial(string Endpoint, string TrunkId, TimeSpan RingTimeout, string? FromUser = null, string? DisplayName = null,
    string? ConversationId = null);
