namespace Orchestrator.Media.Sip.Transport;

public enum SipTransportKind
{
    Udp,
    Tcp,
}
