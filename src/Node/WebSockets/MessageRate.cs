namespace Orchestrator.Node.WebSockets;

/// <summary>
/// One socket's user-message allowance: a token bucket (<see cref="Burst"/> at once, then
/// <see cref="PerSecond"/>). A message over it is dropped; <see cref="ExcessBeforeClose"/> dropped in
/// a row close the socket, so a client that slows down keeps its conversation and a flood does not.
/// Pure: the caller passes the time.
/// </summary>
public sealed record MessageRate(int Burst, double PerSecond, int ExcessBeforeClose)
{
    public enum Verdict { Allow, Drop, Close }

    public sealed record State(double Tokens, TimeSpan At, int ExcessInARow);

    public State Start(TimeSpan now) => new(Burst, now, 0);

    public (Verdict Verdict, State Next) Decide(State state, TimeSpan now)
    {
        var tokens = Math.Min(Burst, state.Tokens + (now - state.At).TotalSeconds * PerSecond);
        if (tokens >= 1) return (Verdict.Allow, new State(tokens - 1, now, 0));
        var excess = state.ExcessInARow + 1;
        return (excess >= ExcessBeforeClose ? Verdict.Close : Verdict.Drop, new State(tokens, now, excess));
    }
}
