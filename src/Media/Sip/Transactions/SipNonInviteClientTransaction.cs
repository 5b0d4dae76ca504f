using System.Net;
using Orchestrator.Media.Sip.Messages;

namespace Orchestrator.Media.Sip.Transactions;

/// <summary>
/// Non-INVITE client transaction (RFC 3261 §17.1.2): Timer E retransmits with doubling up to T2
/// (and at T2 once a provisional arrived), Timer F times out, Timer K absorbs retransmitted finals.
/// </summary>
public sealed class SipNonInviteClientTransaction(ISipTransactionHost host, SipRequest request, IPEndPoint destination)
    : SipClientTransaction(host, request, destination)
{
    private enum Phase { Trying, Proceeding, Completed, Terminated }

    private Phase _phase = Phase.Trying;

    protected override bool StillRetransmitting => _phase is Phase.Trying or Phase.Proceeding;
    protected override bool StillTimingOut => _phase is Phase.Trying or Phase.Proceeding;
    protected override void MarkTerminated() => _phase = Phase.Terminated;

    protected override TimeSpan NextInterval(TimeSpan current)
    {
        if (_phase == Phase.Proceeding) return Host.Timers.T2;
        var doubled = current * 2;
        return doubled < Host.Timers.T2 ? doubled : Host.Timers.T2;
    }

    public override void OnResponse(SipResponse response)
    {
        bool deliver;
        lock (Gate)
        {
            if (_phase is Phase.Trying or Phase.Proceeding)
            {
                if (response.IsProvisional) _phase = Phase.Proceeding;
                else
                {
                    _phase = Phase.Completed;
                    Terminate(Host.IsReliable ? TimeSpan.Zero : Host.Timers.T4); // Timer K
                }
                deliver = true;
            }
            else deliver = false;
        }
        if (deliver) ResponseReceived?.Invoke(response);
    }
}
