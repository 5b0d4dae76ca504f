using System.Collections.Concurrent;
using Orchestrator.Actors.Dialer.Gate;
using Orchestrator.Actors.Ports;
using Orchestrator.Actors.Voice.Legs;
using Orchestrator.Media.Rtp;
using Orchestrator.Media.Sip.Auth;
using Orchestrator.Media.Sip.Calls;
using Orchestrator.Media.Sip.Messages;
using Orchestrator.Media.Sip.Transport;
using Orchestrator.Messages.Calls;
using Orchestrator.Messages.Telephony;

namespace Orchestrator.Actors.Voice;

/// <summary>
/// The node's phone side: one SIP user agent per transport (started on first use), trunks looked up
/// by id, and each trunk's limits. Limits are kept by the dial gate (<see cref="IDialGate"/>, the
/// cluster's in a node): at most <see cref="SipTrunk.MaxConcurrentCalls"/> calls up at once and at
/// most <see cref="SipTrunk.CpsLimit"/> INVITEs in any one-second window. A socket's dial over a limit
/// fails at once; a queued call's, whose slot the dialer reserved, waits for its dial token.
/// </summary>
public sealed class SipTelephony(ISipTrunkDirectory trunks, SipTelephonyOptions? options = null, IDialGate? gate = null) : IAsyncDisposable
{
    private readonly SipTelephonyOptions _options = options ?? new SipTelephonyOptions();
    private readonly ConcurrentDictionary<SipTransportKind, Lazy<SipUserAgent>> _agents = new();
    private readonly IDialGate _gate = gate ?? new LocalDialGate();

    public SipTelephonyOptions Options => _options;

    public Task<SipTrunk?> FindTrunkAsync(string trunkId, CancellationToken ct = default) => trunks.FindAsync(trunkId, ct);

    /// <summary>The SIP URI to dial: a SIP URI as given, or a number at the trunk's server.</summary>
    public static SipUri TargetOf(string endpoint, SipTrunk trunk)
    {
        string text = endpoint.Trim();
        if (text.StartsWith("sip:", StringComparison.OrdinalIgnoreCase) || text.StartsWith("sips:", StringComparison.OrdinalIgnoreCase))
            return SipUri.Parse(text);
        string number = new(text.Where(c => char.IsAsciiDigit(c) || c is '+' or '*' or '#').ToArray());
        if (number.Length == 0) throw new FormatException($"'{endpoint}' is neither a phone number nor a SIP URI");
        var uri = SipUri.Parse($"sip:{number}@{trunk.Server}");
        if (trunk.Transport == SipTrunkTransports.Tcp) uri.Parameters.Set("transport", "tcp");
        return uri;
    }

    /// <summary>A SIP leg that, when dialled, finds the trunk, takes a slot in its limits and places the call.</summary>
    public SipMediaLeg CreateLeg(PhoneDial dial) =>
        new(async ct =>
        {
            var trunk = await trunks.FindAsync(dial.TrunkId, ct).ConfigureAwait(false)
                ?? throw new SipLegRefusedException($"SIP trunk '{dial.TrunkId}' does not exist");
            IDisposable lease;
            try
            {
                lease = await _gate.AcquireAsync(dial.ConversationId ?? Guid.NewGuid().ToString(),
                    [DialPool.Trunk(trunk.Id, trunk.MaxConcurrentCalls, trunk.CpsLimit)], ct).ConfigureAwait(false);
            }
            catch (DialRefusedException refused)
            {
                throw new SipLegRefusedException(refused.Message);
            }
            try
            {
                var agent = Agent(trunk.Transport == SipTrunkTransports.Tcp ? SipTransportKind.Tcp : SipTransportKind.Udp);
                string domain = trunk.Domain ?? (SipTrunkValidatorHost(trunk.Server));
                var options = new SipDialOptions
                {
                    Target = TargetOf(dial.Endpoint, trunk),
                    From = SipUri.Parse($"sip:{dial.FromUser ?? trunk.FromUser ?? "orchestrator"}@{domain}"),
                    DisplayName = dial.DisplayName ?? trunk.DisplayName,
                    Credentials = trunk.AuthUser is { } user ? new SipCredentials(user, trunk.AuthPassword ?? "") : null,
                    RingTimeout = dial.RingTimeout,
                };
                return new SipDialPlan(agent, options, lease.Dispose);
            }
            catch
            {
                lease.Dispose();
                throw;
            }
        }, _options.Rtp);

    private static string SipTrunkValidatorHost(string server) => SipUri.Parse("sip:" + server).Host;

    private SipUserAgent Agent(SipTransportKind transport) =>
        _agents.GetOrAdd(transport, t => new Lazy<SipUserAgent>(() => SipUserAgent.Start(_options.UserAgent with { Transport = t }))).Value;

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents.Values)
            if (agent.IsValueCreated) await agent.Value.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>The node's SIP user agent and RTP settings for phone calls.</summary>
public sealed record SipTelephonyOptions
{
    public SipUserAgentOptions UserAgent { get; init; } = new();
    public RtpSessionOptions Rtp { get; init; } = new();
}

/// <summary>A dial that was refused before any SIP was sent (unknown trunk, limits).</summary>
public sealed class SipLegRefusedException(string message) : Exception(message);

/// <summary>How to place one call, and what to do when it is over.</summary>
public sealed record SipDialPlan(SipUserAgent Agent, SipDialOptions Options, Action Release);
