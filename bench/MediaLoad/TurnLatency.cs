namespace MediaLoad;

internal sealed record Turn(double RawMs, double EnginesMs, double ServerAddedMs, double EndpointMs, double SpeakToAudioMs);
internal sealed record TurnResult(List<Turn> Turns, int Timeouts);

internal static class TurnLatency
{
    public static Task<TurnResult> RunAsync(Options o, short[] reply) => Task.FromResult(new TurnResult([], 0));
}
