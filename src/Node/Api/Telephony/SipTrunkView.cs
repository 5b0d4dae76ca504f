using Orchestrator.Messages.Telephony;

namespace Orchestrator.Node.Api.Telephony;

/// <summary>A trunk as the API shows it: the password is write-only, only whether one is set.</summary>
public sealed record SipTrunkView(
    string Id, string Name, string Server, string? Domain, string Transport, string? AuthUser, bool HasAuthPassword,
    double? CpsLimit, int? MaxConcurrentCalls, string? FromUser, string? DisplayName,
    DateTimeOffset CreatedTime, DateTimeOffset LastUpdateTime)
{
    public static SipTrunkView Of(SipTrunk t) => new(
        t.Id, t.Name, t.Server, t.Domain, t.Transport, t.AuthUser, !string.IsNullOrEmpty(t.AuthPassword),
        t.CpsLimit, t.MaxConcurrentCalls, t.FromUser, t.DisplayName, t.CreatedTime, t.LastUpdateTime);
}
