namespace Orchestrator.Media.Sip.Auth;

/// <summary>Digest credentials for a trunk. <see cref="Realm"/> restricts them to one realm when set.</summary>
public sealed record SipCredentials(string Username, string Password, string? Realm = null)
{
    public override string ToString() => $"SipCredentials {{ Username = {Username}, Realm = {Realm} }}";
}
