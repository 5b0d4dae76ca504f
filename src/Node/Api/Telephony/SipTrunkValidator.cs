using Orchestrator.Media.Sip.Messages;
using Orchestrator.Messages.Telephony;
using Orchestrator.Node.Api.Infrastructure;

namespace Orchestrator.Node.Api.Telephony;

/// <summary>Checks a trunk sent to POST/PUT /sip-trunks; errors keyed by field.</summary>
public static class SipTrunkValidator
{
    public const int MaxNameLength = 200;

    /// <summary>Trims text and lower-cases the transport (udp when absent).</summary>
    public static SipTrunk Normalize(SipTrunk trunk) => trunk with
    {
        Name = trunk.Name?.Trim() ?? "",
        Server = trunk.Server?.Trim() ?? "",
        Domain = Blank(trunk.Domain),
        Transport = string.IsNullOrWhiteSpace(trunk.Transport) ? SipTrunkTransports.Udp : trunk.Transport.Trim().ToLowerInvariant(),
        AuthUser = Blank(trunk.AuthUser),
        FromUser = Blank(trunk.FromUser),
        DisplayName = Blank(trunk.DisplayName),
    };

    public static Dictionary<string, string[]> Validate(SipTrunk trunk)
    {
        var errors = new ValidationErrors();
        if (trunk.Name.Length == 0) errors.Add("name", "name is required.");
        else if (trunk.Name.Length > MaxNameLength) errors.Add("name", $"name must be at most {MaxNameLength} characters.");

        if (trunk.Server.Length == 0) errors.Add("server", "server is required (host or host:port).");
        else if (!TryParseServer(trunk.Server, out _, out _)) errors.Add("server", "server must be a host or host:port.");

        if (trunk.Domain is { } domain && (domain.Contains(' ') || domain.Contains('@') || domain.Contains(':')))
            errors.Add("domain", "domain must be a host name.");
        if (!SipTrunkTransports.All.Contains(trunk.Transport))
            errors.Add("transport", $"transport must be one of: {string.Join(", ", SipTrunkTransports.All)}.");
        if (trunk.AuthPassword is not null && trunk.AuthUser is null)
            errors.Add("authUser", "authUser is required with authPassword.");
        if (trunk.CpsLimit is double cps && (cps <= 0 || cps > 10_000 || double.IsNaN(cps)))
            errors.Add("cpsLimit", "cpsLimit must be greater than 0 and at most 10000.");
        if (trunk.MaxConcurrentCalls is int max && max <= 0)
            errors.Add("maxConcurrentCalls", "maxConcurrentCalls must be at least 1.");
        if (trunk.FromUser is { } user && !IsSipUser(user))
            errors.Add("fromUser", "fromUser must be a SIP user part (letters, digits, + - _ . ! ~ * ').");
        if (trunk.DisplayName is { Length: > 100 })
            errors.Add("displayName", "displayName must be at most 100 characters.");
        return errors.ToDictionary();
    }

    public static bool TryParseServer(string server, out string host, out int? port)
    {
        host = server;
        port = null;
        try
        {
            var uri = SipUri.Parse("sip:" + server);
            if (uri.User is not null) return false;
            host = uri.Host;
            port = uri.Port;
            return host.Length > 0;
        }
        catch (Exception)
        {
            return false;
        }
    }

    private static bool IsSipUser(string user) =>
        user.Length is > 0 and <= 64 && user.All(c => char.IsAsciiLetterOrDigit(c) || "+-_.!~*'".Contains(c));

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
