using System.Data.Common;
using Orchestrator.Actors.Dialer.Scheduling;
using Orchestrator.Messages.Calls;
using Orchestrator.Messages.Results;
using Orchestrator.Messages.Webhooks;
using Orchestrator.Storage.Database;
using Orchestrator.Storage.Webhooks;

namespace Orchestrator.Storage.Calls;

/// <summary>What recording an attempt's end did to its call (null from <see cref="CallAttemptEnding.EndAsync"/>: nothing, already recorded).</summary>
/// <see cref="WebhookWritten"/>: a failed or deadline webhook was written with it; signal the outbox after committing.
public sealed record AttemptEnded(Call Call, int Attempt, string Outcome, bool WebhookWritten = false)
{
    public bool IsFinal => CallStatuses.IsFinal(Call.Status);
}

/// <summary>
/// Ends a running attempt inside the caller's transaction: the call becomes Completed, Failed,
/// Canceled (its retry could not start before the deadline) or Queued again for a retry, by
/// <see cref="CallRules.AfterAttempt"/>. Idempotent: an attempt that is not the call's running one
/// (already ended, by this or an earlier save) changes nothing.
/// </summary>
internal static class CallAttemptEnding
{
    public static async Task<AttemptEnded?> EndAsync(SqlDialect dialect, DbConnection connection, DbTransaction transaction,
        string callId, int attempt, string outcome, ConversationResult? result, DateTimeOffset now, CancellationToken ct)
    {
        Call? call = null;
        string? doc = null;
        await using (var select = dialect.Command(connection, $"SELECT {CallRows.Columns} FROM orch_calls c WHERE c.id = @id", transaction)
                         .With("@id", callId))
        await using (var reader = await select.ExecuteReaderAsync(ct))
        {
            if (await reader.ReadAsync(ct))
            {
                call = CallRows.Read(reader);
                doc = reader.GetString(18);
            }
        }
        if (call is null || call.Status != CallStatuses.Running || call.Attempts != attempt) return null;

        var schedule = await CallRows.AgentScheduleAsync(dialect, connection, transaction, call.AgentId, ct);
        var timing = new CallTiming(call.CreatedTime, call.CallDeadline, call.NotBefore, call.Timezone);
        var standing = CallRules.AfterAttempt(timing, CallRows.RetryOf(doc!), schedule, attempt, outcome, now);
        var final = CallStatuses.IsFinal(standing.Status);
        var ended = call with
        {
            Status = standing.Status, NextScheduleTime = standing.NextScheduleTime, LastOutcome = outcome,
            CancelReason = standing.CancelReason, CompletedTime = final ? now : null,
        };

        await using (var update = dialect.Command(connection,
                         """
                         UPDATE orch_calls SET status = @status, next_at = @next, last_outcome = @outcome, cancel_reason = @reason,
                             completed_at = @completed, claimed_at = NULL
                         WHERE id = @id
                         """, transaction)
                         .With("@id", callId).With("@status", ended.Status).With("@next", ended.NextScheduleTime.ToUnixMs())
                         .With("@outcome", outcome).With("@reason", ended.CancelReason).With("@completed", ended.CompletedTime.ToUnixMs()))
            await update.ExecuteNonQueryAsync(ct);
        await using (var attemptRow = dialect.Command(connection,
                         "UPDATE orch_call_attempts SET ended_at = @ended, outcome = @outcome WHERE call_id = @id AND attempt = @attempt",
                         transaction)
                         .With("@id", callId).With("@attempt", attempt).With("@ended", now.ToUnixMs()).With("@outcome", outcome))
            await attemptRow.ExecuteNonQueryAsync(ct);
        await CallResultRows.WriteAsync(dialect, connection, transaction, ended, result, now, ct);
        return new AttemptEnded(ended, attempt, outcome, await EnqueueWebhookAsync(dialect, connection, transaction, ended, result, now, ct));
    }

    /// <summary>
    /// A call that ends here for good without completing reports itself now, in this transaction: failed
    /// (with its last attempt's result, transcript included) or canceled because its retry could not
    /// start before the deadline. A completed attempt's result reports itself (ResultWebhooks).
    /// </summary>
    private static Task<bool> EnqueueWebhookAsync(SqlDialect dialect, DbConnection connection, DbTransaction transaction,
        Call ended, ConversationResult? result, DateTimeOffset now, CancellationToken ct) => ended.Status switch
    {
        CallStatuses.Failed => CallWebhooks.EnqueueFailedAsync(dialect, connection, transaction, WebhookCall.Of(ended), ended.LastOutcome!,
            result?.ErrorMessage, result, now, ct),
        CallStatuses.Canceled => CallWebhooks.EnqueueDeadLineAsync(dialect, connection, transaction, WebhookCall.Of(ended),
            ended.CancelReason ?? CancelReasons.Deadline, now, ct),
        _ => Task.FromResult(false),
    };
}
