using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orchestrator.Messages;

/// <summary>
/// The JSON conventions of the public API: camelCase out, case-insensitive in, nulls written
/// (clients of the hosted platform expect explicit nulls such as <c>channelId: null</c>).
/// </summary>
public static class JsonDefaults
{
    public static readonly JsonSerializerOptions Options = Create();

    public static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNameCaseInsensitive = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            NumberHandling = JsonNumberHandling.Strict,
            MaxDepth = 64,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        return options;
    }
}
