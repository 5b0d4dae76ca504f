using System.Net;
using Orchestrator.Media.Sip.Messages;

namespace Orchestrator.Media.Sip.Transactions;

/// <summary>
/// INVITE client transaction (RFC 3261 §17.1.1 with RFC 6026's Accepted state). Timer A retransmits
/// until a provisional response; Timer B times out the Calling state. A failure is ACKed here with
/// the INVITE's branch (hop-by-hop) and re-ACKed for each retransmission during Timer D. Every 2xx,
/// retransmissions included, goes to the transaction user, whose ACK is a transaction of its own.
/// </summary>
public sealed class SipInviteClientTransaction(ISipTransactionHost host, SipRequest request, IPEndPoint destination)
    : SipClientTransaction(host, request, destination)
{
    private enum Phase { Calling, Proceeding, Accepted, Completed, Terminated }

    private Phase _phase = Phase.Calling;
    private byte[]? _ack;

    protected override bool StillRetransmitting => _phase == Phase.Calling;
    protected override bool StillTimingOut => _phase == Phase.Calling;
    protected override TimeSpan NextInterval(TimeSpan current) => current * 2;
    protected override void MarkTerminated() => _phase = Phase.Terminated;

    public bool IsCompleted => _phase is Phase.Accepted or Phase.Completed or Phase.Terminated;

    public override void OnResponse(SipResponse response)
    {
        bool deliver;
        lock (Gate)
        {
            switch (_phase)
            {
                case Phase.Calling or Phase.Proceeding when response.IsProvisional:
                    _phase = Phase.Proceeding;
                    deliver = true;
                    break;
                case Phase.Calling or Phase.Proceeding when response.IsSuccess:
                    _phase = Phase.Accepted;
                    Terminate(Host.Timers.TransactionTimeout); // Timer M: keep matching 2xx retransmissions
                    deliver = true;
                    break;
                case Phase.Accepted when response.IsSuccess:
                    deliver = true;
                    break;
                case Phase.Calling or Phase.Proceeding:
                    _phase = Phase.Completed;
                    _ack = CreateFailureAck(response).ToBytes();
                    Send(_ack);
                    Terminate(Host.IsReliable ? TimeSpan.Zero : Host.Timers.TimerD);
                    deliver = true;
                    break;
                case Phase.Completed when response.StatusCode >= 300:
                    Send(_ack!);
                    deliver = false;
                    break;
                default:
                    deliver = false;
                    break;
            }
        }
        if (deliver) ResponseReceived?.Invoke(response);
    }

    /// <summary>RFC 3261 §17.1.1.3: same Request-URI, Call-ID, From, CSeq number, top Via and Route; To from the response.</summary>
    private SipRequest CreateFailureAck(SipResponse response)
    {
        var ack = new SipRequest { Method = "ACK", Uri = Request.Uri };
        ack.Headers.Add("Via", Request.Headers.GetValues("Via")[0]);
        ack.Headers.Add("Max-Forwards", "70");
        ack.Headers.Add("From", Request.Headers.Get("From")!);
        ack.Headers.Add("To", response.Headers.Get("To")!);
        ack.Headers.Add("Call-ID", Request.CallId!);
        ack.Headers.Add("CSeq", new SipCSeq(Request.CSeq.Number, "ACK").ToString());
        foreach (var route in Request.Headers.GetValues("Route")) ack.Headers.Add("Route", route);
        return ack;
    }
}
