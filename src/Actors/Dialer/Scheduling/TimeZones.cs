using System.Diagnostics.CodeAnalysis;

namespace Orchestrator.Actors.Dialer.Scheduling;

/// <summary>IANA time zones only: Windows names, which .NET would also accept on Linux, are refused.</summary>
public static class TimeZones
{
    public static bool TryFind(string? id, [NotNullWhen(true)] out TimeZoneInfo? zone)
    {
        zone = null;
        if (string.IsNullOrWhiteSpace(id) || id.Trim() != id) return false;
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(id, out var found) || !found.HasIanaId) return false;
        zone = found;
        return true;
    }
}
