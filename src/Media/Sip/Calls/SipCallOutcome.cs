namespace Orchestrator.Media.Sip.Calls;

/// <summary>How a dial attempt ended, in the terms the conversation result records.</summary>
public enum SipCallOutcome
{
    Answered,
    Busy,
    NoAnswer,
    Rejected,
    Failed,

    /// <summary>Our side gave up before the answer (hang-up or cancellation while ringing).</summary>
    Cancelled,
}

public static class SipCallOutcomes
{
    /// <summary>The failure mapping of the dial-out contract: 486/600 busy, 408/480/487 no answer, 403/404/603 rejected.</summary>
    public static SipCallOutcome FromStatus(int statusCode) => statusCode switch
    {
        486 or 600 => SipCallOutcome.Busy,
        408 or 480 or 487 => SipCallOutcome.NoAnswer,
        403 or 404 or 603 => SipCallOutcome.Rejected,
        >= 200 and < 300 => SipCallOutcome.Answered,
        _ => SipCallOutcome.Failed,
    };

    /// <summary>The snake_case reason written to results and events (<c>no_answer</c>…).</summary>
    public static string ToReason(this SipCallOutcome outcome) => outcome switch
    {
        SipCallOutcome.Answered => "answered",
        SipCallOutcome.Busy => "busy",
        SipCallOutcome.NoAnswer => "no_answer",
        SipCallOutcome.Rejected => "rejected",
        SipCallOutcome.Cancelled => "cancelled",
        _ => "failed",
    };
}
