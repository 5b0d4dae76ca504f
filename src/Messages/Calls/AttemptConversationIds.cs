namespace Orchestrator.Messages.Calls;

/// <summary>
/// Each dial attempt runs in a conversation of its own, with an id derived from the call's, so a
/// claimed attempt names its conversation before it is dialled and a second start of the same
/// attempt reaches the same (already started) conversation instead of dialling again.
/// </summary>
public static class AttemptConversationIds
{
    public static string For(string callId, int attempt) => $"{callId}-a{attempt}";
}
