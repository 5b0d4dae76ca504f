using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Orchestrator.Dialogue;

/// <summary>Reads an engine's opaque state string: anything unreadable is a <see cref="DialogueStateException"/>, never a crash.</summary>
internal static class DialogueStateJson
{
    /// <param name="what">The engine's state as messages name it, e.g. "scripted dialogue state".</param>
    public static T Read<T>(string text, JsonTypeInfo<T> type, string what) where T : class
    {
        T? state;
        try
        {
            state = JsonSerializer.Deserialize(text, type);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            throw new DialogueStateException($"The {what} is not valid JSON of the expected shape: {e.Message}", e);
        }
        return state ?? throw new DialogueStateException($"The {what} is null.");
    }
}
