using System.Net;

namespace Orchestrator.Media.Ice;

public enum IceCheckOutcome
{
    /// <summary>A valid check: send <see cref="IceCheckResult.Response"/> (a success response).</summary>
    Success,

    /// <summary>A check we must refuse: send <see cref="IceCheckResult.Response"/> (an error response).</summary>
    Rejected,

    /// <summary>Not a Binding request we answer (garbage, response, indication, bad fingerprint): send nothing.</summary>
    Ignored,
}

/// <summary>What the responder decided about one datagram, and the bytes to send back if any.</summary>
public sealed record IceCheckResult(IceCheckOutcome Outcome, byte[]? Response, string? Reason, bool Nominated, IPEndPoint Remote);
