namespace Orchestrator.Actors.Voice;

/// <summary>What an onPhone conversation dials: the endpoint (a number or a SIP URI) through the agent's trunk.</summary>
public sealed record PhoneDial(string Endpoint, string TrunkId, TimeSpan RingTimeout, string? FromUser = null, string? DisplayName = null);
