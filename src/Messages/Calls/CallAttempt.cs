namespace Orchestrator.Messages.Calls;

/// <summary>
/// Which queued call, and which of its dial attempts, a conversation runs. Set by the dialer when
/// it starts the conversation; null for conversations a socket started (chat, web calls, onPhone
/// sockets). It travels from <c>Start</c> into the journal and onto the stored result, so the
/// call's outcome can be recorded when the conversation ends.
/// </summary>
public sealed record CallAttempt(string CallId, int Attempt, string? CampaignId = null);
