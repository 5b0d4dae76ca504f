using System.Text.Json;
using Orchestrator.Messages;

namespace Orchestrator.Storage;

/// <summary>Documents are stored in the API's own JSON shape, so the stored text reads like the API.</summary>
internal static class StoredJson
{
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, JsonDefaults.Options);

    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, JsonDefaults.Options)
        ?? throw new InvalidDataException($"A stored {typeof(T).Name} document is null.");
}
