using Akka.Actor;
using Orchestrator.Actors.Dialer.Ports;
using Orchestrator.Messages.Agents;
using Orchestrator.Messages.Calls;
using Orchestrator.Messages.Conversations;
using Orchestrator.Messages.Results;

namespace Orchestrator.Actors.Dialer;

/// <summary>
/// The one place a queued call's attempt becomes a conversation: an onPhone Start, carrying the
/// <see cref="CallAttempt"/>, sent to the conversation region under the attempt's conversation id.
/// </summary>
public sealed class ConversationStarter(IActorRef conversations, TimeSpan timeout)
{
    public enum Outcome { Started, Rejected, NoAnswer }

    public async Task<(Outcome Outcome, string? Reason)> StartAsync(Agent agent, DueCall call, int attempt,
        System.Text.Json.Nodes.JsonObject additionalData, CancellationToken ct = default)
    {
        var start = new ConversationCommands.Start(AttemptConversationIds.For(call.CallId, attempt), agent, CallTypes.OnPhone,
            additionalData, call.Endpoint, [], Socket: null, new CallAttempt(call.CallId, attempt, call.CampaignId));
        try
        {
            return await conversations.Ask<object>(start, timeout, ct).ConfigureAwait(false) switch
            {
                ConversationReplies.Started => (Outcome.Started, null),
                ConversationReplies.Rejected r => (Outcome.Rejected, r.Reason),
                var other => (Outcome.Rejected, $"unexpected reply {other.GetType().Name}"),
            };
        }
        catch (AskTimeoutException)
        {
            return (Outcome.NoAnswer, null);
        }
    }

    /// <summary>Whether the attempt's conversation ever started (it recovers from its journal to answer).</summary>
    public async Task<bool?> ExistsAsync(string conversationId, CancellationToken ct = default)
    {
        try
        {
            var status = await conversations.Ask<ConversationReplies.Status>(new ConversationCommands.GetStatus(conversationId), timeout, ct)
                .ConfigureAwait(false);
            return status.Exists;
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }
}
