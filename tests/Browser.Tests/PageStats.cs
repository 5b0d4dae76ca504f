namespace Orchestrator.Browser.Tests;

/// <summary>What the page's getStats() says about audio from the server.</summary>
public sealed record PageStats(long PacketsReceived, double TotalAudioEnergy, long PacketsSent, string Codec, string State);
